#include "nn/clip_vision.h"

#include "nn/clip_encoder_layer.h"
#include "nn/mixed_precision.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace facemix {
// Named, not anonymous: the model's Layers hold these modules, and a member type of internal linkage is
// an error once this file shares a unity batch.
namespace clip_vision_parts {

// Constants of OpenAI's CLIP training data, shared by every CLIP checkpoint.
constexpr double kClipMean[3] = {0.48145466, 0.4578275, 0.40821073};
constexpr double kClipStd[3] = {0.26862954, 0.26130258, 0.27577711};

const ClipVisionConfig& validated(const ClipVisionConfig& config) {
    config.validate();
    return config;
}

at::Tensor per_channel(const double (&values)[3], const at::TensorOptions& options) {
    return at::tensor({values[0], values[1], values[2]}, options).view({1, 3, 1, 1});
}

struct Embeddings : torch::nn::Module {
    explicit Embeddings(const ClipVisionConfig& config)
        : class_embedding(register_parameter("class_embedding", at::randn({config.width}))),
          patch_embedding(register_module(
              "patch_embedding",
              torch::nn::Conv2d(torch::nn::Conv2dOptions(3, config.width, config.patch_size)
                                    .stride(config.patch_size)
                                    .bias(false)))),
          position_embedding(register_module(
              "position_embedding",
              torch::nn::Embedding(config.grid_size() * config.grid_size() + 1, config.width))) {}

    // [B, 3, S, S] -> [B, 1 + grid^2, width]: the class token first, then patches row by row.
    at::Tensor forward(const at::Tensor& pixel_values) {
        const at::Tensor patches = conv2d(*patch_embedding, pixel_values).flatten(2).transpose(1, 2);
        const at::Tensor class_token = class_embedding.view({1, 1, -1}).expand({patches.size(0), 1, -1});
        return at::cat({class_token, patches}, 1) + position_embedding->weight;
    }

    at::Tensor class_embedding;
    torch::nn::Conv2d patch_embedding;
    torch::nn::Embedding position_embedding;
};

}  // namespace clip_vision_parts

using clip_vision_parts::Embeddings;
using clip_vision_parts::kClipMean;
using clip_vision_parts::kClipStd;
using clip_vision_parts::per_channel;
using clip_vision_parts::validated;

at::Tensor clip_pixel_values(const at::Tensor& image, std::int64_t image_size) {
    if (image.dim() != 4 || image.size(1) != 3)
        throw std::invalid_argument("clip_pixel_values takes [B, 3, H, W] images.");
    // float64 because float32 bicubic weights alone are off by ~5e-6; the image is small either way.
    const at::Tensor resized =
        at::upsample_bicubic2d(image.to(at::kDouble), {image_size, image_size}, /*align_corners=*/true);
    const auto options = resized.options();
    const at::Tensor unit = (resized + 1.0) / 2.0;
    return ((unit - per_channel(kClipMean, options)) / per_channel(kClipStd, options)).to(at::kFloat);
}

// transformers' CLIPVisionTransformer; "pre_layrnorm" is spelt as in their checkpoints.
struct ClipVisionModel::Tower : torch::nn::Module {
    explicit Tower(const ClipVisionConfig& config)
        : embeddings(register_module("embeddings", std::make_shared<Embeddings>(config))),
          pre_layrnorm(register_module("pre_layrnorm", clip_layer_norm(config))),
          post_layernorm(register_module("post_layernorm", clip_layer_norm(config))) {
        auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
        auto list = encoder->register_module("layers", torch::nn::ModuleList());
        for (std::int64_t i = 0; i < config.layers; ++i) {
            layers.push_back(std::make_shared<ClipEncoderLayer>(config));
            list->push_back(layers.back());
        }
    }

    // The class token after the last layer, normalised: CLIP's pooled output.
    at::Tensor forward(const at::Tensor& pixel_values) {
        at::Tensor tokens = layer_norm(*pre_layrnorm, embeddings->forward(pixel_values));
        for (const auto& layer : layers) tokens = layer->forward(tokens);
        return layer_norm(*post_layernorm, tokens.select(1, 0));
    }

    std::shared_ptr<Embeddings> embeddings;
    std::shared_ptr<torch::nn::LayerNormImpl> pre_layrnorm;
    std::shared_ptr<torch::nn::LayerNormImpl> post_layernorm;
    std::vector<std::shared_ptr<ClipEncoderLayer>> layers;
};

ClipVisionModel::ClipVisionModel(const ClipVisionConfig& config)
    : config_(validated(config)),
      vision_model_(register_module("vision_model", std::make_shared<Tower>(config))),
      visual_projection_(register_module(
          "visual_projection",
          std::make_shared<torch::nn::LinearImpl>(
              torch::nn::LinearOptions(config.width, config.projection_dim).bias(false)))) {
    for (auto& parameter : parameters()) parameter.set_requires_grad(false);
}

ClipVisionModel::~ClipVisionModel() = default;

at::Tensor ClipVisionModel::forward(const at::Tensor& pixel_values) {
    const std::int64_t size = config_.image_size;
    if (pixel_values.dim() != 4 || pixel_values.size(1) != 3 || pixel_values.size(2) != size ||
        pixel_values.size(3) != size)
        throw std::invalid_argument("ClipVisionModel::forward takes [B, 3, " + std::to_string(size) + ", " +
                                    std::to_string(size) + "] pixel values.");
    const at::Tensor& reference = visual_projection_->weight;
    const at::Tensor pooled = vision_model_->forward(pixel_values.to(reference.device(), activation_dtype(reference)));
    // In the weights' dtype whatever the activations ran in: the embedding is what callers store and cache.
    return linear(*visual_projection_, pooled).to(reference.scalar_type());
}

at::Tensor ClipVisionModel::encode_image(const at::Tensor& image) {
    return forward(clip_pixel_values(image, config_.image_size));
}

}  // namespace facemix
