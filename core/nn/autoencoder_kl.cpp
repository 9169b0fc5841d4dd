#include "nn/autoencoder_kl.h"

#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include "common/error.h"
#include "nn/convolution_layout.h"
#include "nn/down_block.h"
#include "nn/mid_block.h"
#include "nn/mixed_precision.h"
#include "nn/up_block.h"

namespace facemix {
// Named, not anonymous: the model's Layers hold these modules, and a member type of internal linkage is
// an error once this file shares a unity batch.
namespace autoencoder_kl_parts {

// The reference fixes every epsilon of the autoencoder here rather than in its config.
constexpr double norm_eps = 1e-6;

torch::nn::GroupNorm output_norm(std::int64_t groups, std::int64_t channels) {
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(norm_eps));
}

torch::nn::Conv2d conv3x3(std::int64_t in, std::int64_t out) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

// Image → the posterior's stacked mean and log-variance [B, 2·latent_channels, h, w].
class Encoder : public torch::nn::Module {
public:
    explicit Encoder(const AutoencoderKLConfig& config) {
        const auto& channels = config.block_out_channels;
        conv_in_ = register_module("conv_in", conv3x3(config.in_channels, channels.front()));
        torch::nn::ModuleList down_blocks;
        for (std::size_t level = 0; level < config.levels(); ++level) {
            DownBlockShape shape{.in_channels = level == 0 ? channels.front() : channels[level - 1],
                                 .out_channels = channels[level],
                                 .layers = config.layers_per_block,
                                 .norm_groups = config.norm_groups,
                                 .norm_eps = norm_eps};
            if (level + 1 < config.levels()) shape.downsample = Downsample::Padding::RightBottom;
            blocks_.push_back(std::make_shared<DownBlock>(shape));
            down_blocks->push_back(blocks_.back());
        }
        register_module("down_blocks", down_blocks);
        mid_block_ = register_module("mid_block", std::make_shared<MidBlock>(MidBlockShape{
                                                      .channels = channels.back(), .norm_groups = config.norm_groups, .norm_eps = norm_eps}));
        conv_norm_out_ = register_module("conv_norm_out", output_norm(config.norm_groups, channels.back()));
        conv_out_ = register_module("conv_out", conv3x3(channels.back(), 2 * config.latent_channels));
    }

    at::Tensor forward(const at::Tensor& image) {
        at::Tensor x = conv2d(*conv_in_, image);
        for (const auto& block : blocks_) x = block->forward(x, {}, {});
        x = mid_block_->forward(x);
        return conv2d(*conv_out_, at::silu(group_norm(*conv_norm_out_, x)));
    }

private:
    torch::nn::Conv2d conv_in_{nullptr}, conv_out_{nullptr};
    std::vector<std::shared_ptr<DownBlock>> blocks_;
    std::shared_ptr<MidBlock> mid_block_;
    torch::nn::GroupNorm conv_norm_out_{nullptr};
};

// Latents (unscaled) → image.
class Decoder : public torch::nn::Module {
public:
    explicit Decoder(const AutoencoderKLConfig& config) {
        const auto& channels = config.block_out_channels;
        conv_in_ = register_module("conv_in", conv3x3(config.latent_channels, channels.back()));
        mid_block_ = register_module("mid_block", std::make_shared<MidBlock>(MidBlockShape{
                                                      .channels = channels.back(), .norm_groups = config.norm_groups, .norm_eps = norm_eps}));
        torch::nn::ModuleList up_blocks;
        std::int64_t previous_channels = channels.back();
        for (std::size_t level = config.levels(); level-- > 0;) {
            blocks_.push_back(std::make_shared<UpBlock>(UpBlockShape{.in_channels = previous_channels,
                                                                     .out_channels = channels[level],
                                                                     .layers = config.layers_per_block + 1,
                                                                     .norm_groups = config.norm_groups,
                                                                     .norm_eps = norm_eps,
                                                                     .upsample = level > 0}));
            up_blocks->push_back(blocks_.back());
            previous_channels = channels[level];
        }
        register_module("up_blocks", up_blocks);
        conv_norm_out_ = register_module("conv_norm_out", output_norm(config.norm_groups, channels.front()));
        conv_out_ = register_module("conv_out", conv3x3(channels.front(), config.out_channels));
    }

    at::Tensor forward(const at::Tensor& latents) {
        at::Tensor x = mid_block_->forward(conv2d(*conv_in_, latents));
        for (const auto& block : blocks_) x = block->forward(x, {}, {});
        return conv2d(*conv_out_, at::silu(group_norm(*conv_norm_out_, x)));
    }

private:
    torch::nn::Conv2d conv_in_{nullptr}, conv_out_{nullptr};
    std::shared_ptr<MidBlock> mid_block_;
    std::vector<std::shared_ptr<UpBlock>> blocks_;
    torch::nn::GroupNorm conv_norm_out_{nullptr};
};

}  // namespace autoencoder_kl_parts

using autoencoder_kl_parts::Decoder;
using autoencoder_kl_parts::Encoder;

struct AutoencoderKL::Layers {
    std::shared_ptr<Encoder> encoder;
    std::shared_ptr<Decoder> decoder;
    torch::nn::Conv2d quant_conv{nullptr};
    torch::nn::Conv2d post_quant_conv{nullptr};
};

AutoencoderKL::AutoencoderKL(const AutoencoderKLConfig& config) : config_(config), layers_(std::make_unique<Layers>()) {
    config_.validate("the autoencoder config");
    using torch::nn::Conv2dOptions;
    const auto latent = config_.latent_channels;
    layers_->encoder = register_module("encoder", std::make_shared<Encoder>(config_));
    layers_->decoder = register_module("decoder", std::make_shared<Decoder>(config_));
    layers_->quant_conv = register_module("quant_conv", torch::nn::Conv2d(Conv2dOptions(2 * latent, 2 * latent, 1)));
    layers_->post_quant_conv = register_module("post_quant_conv", torch::nn::Conv2d(Conv2dOptions(latent, latent, 1)));
}

AutoencoderKL::~AutoencoderKL() = default;

std::pair<at::Tensor, at::Tensor> AutoencoderKL::posterior(const at::Tensor& image) {
    if (image.dim() != 4 || image.size(1) != config_.in_channels)
        throw InputError("the autoencoder expects images [B, " + std::to_string(config_.in_channels) + ", H, W]");
    const at::Tensor& weight = layers_->quant_conv->weight;
    const at::Tensor input = to_convolution_layout(image.to(weight.device(), activation_dtype(weight)));
    const auto moments = to_standard_layout(conv2d(*layers_->quant_conv, layers_->encoder->forward(input)));
    const auto halves = moments.chunk(2, 1);
    // The reference clamps the log-variance so that exp() can neither vanish nor overflow.
    return {halves[0], halves[1].clamp(-30.0, 20.0)};
}

at::Tensor AutoencoderKL::encode(const at::Tensor& image) {
    return (posterior(image).first * config_.scaling_factor).to(image.scalar_type());
}

at::Tensor AutoencoderKL::encode_sampled(const at::Tensor& image, at::Generator generator) {
    const auto [mean, log_variance] = posterior(image);
    // Drawn in float32 whatever the weights' dtype, so that a seed gives the same latents at every precision.
    const at::Tensor noise = at::randn(mean.sizes(), generator, mean.options().dtype(at::kFloat)).to(mean.scalar_type());
    return ((mean + at::exp(0.5 * log_variance) * noise) * config_.scaling_factor).to(image.scalar_type());
}

at::Tensor AutoencoderKL::decode(const at::Tensor& latents) {
    if (latents.dim() != 4 || latents.size(1) != config_.latent_channels)
        throw InputError("the autoencoder expects latents [B, " + std::to_string(config_.latent_channels) + ", h, w]");
    const at::Tensor unscaled = latents.to(layers_->post_quant_conv->weight.device(), activation_dtype(layers_->post_quant_conv->weight)) / config_.scaling_factor;
    const at::Tensor image = layers_->decoder->forward(conv2d(*layers_->post_quant_conv, to_convolution_layout(unscaled)));
    return to_standard_layout(image.to(latents.scalar_type()));
}

}  // namespace facemix
