#pragma once

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/clip_vision_config.h"

namespace torch::nn {
class LinearImpl;
}

namespace facemix {

// The face-mixer preprocessing, which the real checkpoints' conditioning was trained with: image
// [B, 3, H, W] in [-1, 1], any size, stretched straight to image_size x image_size (bicubic,
// corner-aligned, no antialiasing, no centre crop), mapped to [0, 1] and normalised with CLIP's
// mean/std. Returns float32 [B, 3, image_size, image_size], computed in float64 whatever the input dtype.
at::Tensor clip_pixel_values(const at::Tensor& image, std::int64_t image_size);

// CLIP's image encoder (ViT): patches + class token -> transformer -> class token -> projection.
// Its parameter names are those of transformers' CLIPVisionModelWithProjection state dict
// (vision_model.embeddings..., vision_model.encoder.layers.N..., visual_projection.weight), the
// canonical names every other naming is mapped to (clip_names_openai.h, clip_names_hf.h).
// The method uses CLIP frozen, so parameters are created without requires_grad: embedding never
// builds an autograd graph.
class ClipVisionModel : public torch::nn::Module {
public:
    explicit ClipVisionModel(const ClipVisionConfig& config);
    ~ClipVisionModel() override;

    // pixel_values: already CLIP-normalised, [B, 3, image_size, image_size], any float dtype (cast to the
    // parameters'). Returns image_embeds [B, projection_dim], not normalised, in the parameters' dtype.
    at::Tensor forward(const at::Tensor& pixel_values);

    // image: [B, 3, H, W] in [-1, 1], any size: forward(clip_pixel_values(image, image_size)).
    at::Tensor encode_image(const at::Tensor& image);

    const ClipVisionConfig& config() const { return config_; }

private:
    struct Tower;
    ClipVisionConfig config_;
    std::shared_ptr<Tower> vision_model_;
    std::shared_ptr<torch::nn::LinearImpl> visual_projection_;
};

}  // namespace facemix
