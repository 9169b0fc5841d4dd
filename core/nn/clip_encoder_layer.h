#pragma once

#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/clip_vision_config.h"

namespace torch::nn {
class LayerNormImpl;
}

namespace facemix {

// A LayerNorm over the width with the config's epsilon, the only normalisation CLIP's tower uses.
std::shared_ptr<torch::nn::LayerNormImpl> clip_layer_norm(const ClipVisionConfig& config);

// One pre-norm transformer block of CLIP's vision tower:
//   x += self_attn(layer_norm1(x));  x += mlp(layer_norm2(x))
// registered under transformers' names (layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2,
// mlp.fc1, mlp.fc2) so that those are its canonical weight names.
class ClipEncoderLayer : public torch::nn::Module {
public:
    explicit ClipEncoderLayer(const ClipVisionConfig& config);
    ~ClipEncoderLayer() override;

    at::Tensor forward(const at::Tensor& tokens);  // [B, N, width] -> [B, N, width]

private:
    struct SelfAttention;
    struct Mlp;
    std::shared_ptr<torch::nn::LayerNormImpl> layer_norm1_;
    std::shared_ptr<SelfAttention> self_attn_;
    std::shared_ptr<torch::nn::LayerNormImpl> layer_norm2_;
    std::shared_ptr<Mlp> mlp_;
};

}  // namespace facemix
