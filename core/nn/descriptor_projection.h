#pragma once

#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "nn/descriptor_projection_config.h"

namespace torch::nn {
class LinearImpl;
}

namespace facemix {

// descriptor [B, input_dim] -> token [B, output_dim]: Linear, SiLU, Linear (or one Linear when
// hidden_dim is 0). Parameter names: in.weight, in.bias, out.weight, out.bias (out only, when linear).
class DescriptorProjection : public torch::nn::Module {
public:
    explicit DescriptorProjection(const DescriptorProjectionConfig& config);
    ~DescriptorProjection() override;

    at::Tensor forward(const at::Tensor& descriptor);

    const DescriptorProjectionConfig& config() const { return config_; }

private:
    DescriptorProjectionConfig config_;
    std::shared_ptr<torch::nn::LinearImpl> in_;
    std::shared_ptr<torch::nn::LinearImpl> out_;
};

}  // namespace facemix
