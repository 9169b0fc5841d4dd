#include "nn/unet.h"

#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include "common/error.h"
#include "nn/convolution_layout.h"
#include "nn/down_block.h"
#include "nn/gradient_checkpoint.h"
#include "nn/mid_block.h"
#include "nn/mixed_precision.h"
#include "nn/resident_memory.h"
#include "nn/timestep_embedding.h"
#include "nn/up_block.h"

namespace facemix {

struct UNet::Layers {
    torch::nn::Conv2d conv_in{nullptr};
    std::shared_ptr<TimestepEmbedding> time_embedding;
    std::vector<std::shared_ptr<DownBlock>> down_blocks;
    std::shared_ptr<MidBlock> mid_block;
    std::vector<std::shared_ptr<UpBlock>> up_blocks;
    torch::nn::GroupNorm conv_norm_out{nullptr};
    torch::nn::Conv2d conv_out{nullptr};
};

UNet::UNet(const UNetConfig& config) : config_(config), layers_(std::make_unique<Layers>()) {
    config_.validate("the UNet config");
    using torch::nn::Conv2dOptions;
    const auto& channels = config_.block_out_channels;
    const std::size_t levels = config_.levels();
    const std::int64_t time_channels = config_.time_embedding_channels();
    const auto transformer_at = [this](std::size_t level) {
        return SpatialTransformerShape{.heads = config_.attention_heads[level],
                                       .depth = config_.transformer_depth,
                                       .context_channels = config_.context_dim,
                                       .norm_groups = config_.norm_groups,
                                       .linear_projection = config_.linear_projection};
    };

    layers_->conv_in = register_module("conv_in", torch::nn::Conv2d(Conv2dOptions(config_.in_channels, channels[0], 3).padding(1)));
    layers_->time_embedding = register_module("time_embedding", std::make_shared<TimestepEmbedding>(channels[0], time_channels));

    // The channel count of every skip connection, in the order the down path produces them.
    std::vector<std::int64_t> skip_channels{channels[0]};
    torch::nn::ModuleList down_blocks;
    for (std::size_t level = 0; level < levels; ++level) {
        const bool lowest = level + 1 == levels;
        DownBlockShape shape{.in_channels = skip_channels.back(),
                             .out_channels = channels[level],
                             .layers = config_.layers_per_block,
                             .time_channels = time_channels,
                             .norm_groups = config_.norm_groups,
                             .norm_eps = config_.norm_eps};
        if (config_.cross_attention[level]) shape.transformer = transformer_at(level);
        if (!lowest) shape.downsample = Downsample::Padding::Symmetric;
        layers_->down_blocks.push_back(std::make_shared<DownBlock>(shape));
        down_blocks->push_back(layers_->down_blocks.back());
        skip_channels.insert(skip_channels.end(), static_cast<std::size_t>(config_.layers_per_block) + (lowest ? 0 : 1),
                             channels[level]);
    }
    register_module("down_blocks", down_blocks);

    layers_->mid_block = register_module(
        "mid_block", std::make_shared<MidBlock>(MidBlockShape{.channels = channels.back(),
                                                              .time_channels = time_channels,
                                                              .norm_groups = config_.norm_groups,
                                                              .norm_eps = config_.norm_eps,
                                                              .transformer = transformer_at(levels - 1)}));

    torch::nn::ModuleList up_blocks;
    std::int64_t previous_channels = channels.back();
    for (std::size_t level = levels; level-- > 0;) {
        UpBlockShape shape{.in_channels = previous_channels,
                           .out_channels = channels[level],
                           .layers = config_.layers_per_block + 1,
                           .time_channels = time_channels,
                           .norm_groups = config_.norm_groups,
                           .norm_eps = config_.norm_eps,
                           .upsample = level > 0};
        for (std::int64_t j = 0; j < shape.layers; ++j) {
            shape.skip_channels.push_back(skip_channels.back());
            skip_channels.pop_back();
        }
        if (config_.cross_attention[level]) shape.transformer = transformer_at(level);
        layers_->up_blocks.push_back(std::make_shared<UpBlock>(shape));
        up_blocks->push_back(layers_->up_blocks.back());
        previous_channels = channels[level];
    }
    register_module("up_blocks", up_blocks);

    layers_->conv_norm_out = register_module(
        "conv_norm_out",
        torch::nn::GroupNorm(torch::nn::GroupNormOptions(config_.norm_groups, channels[0]).eps(config_.norm_eps)));
    layers_->conv_out = register_module("conv_out", torch::nn::Conv2d(Conv2dOptions(channels[0], config_.out_channels, 3).padding(1)));
}

UNet::~UNet() = default;

at::Tensor UNet::forward(const at::Tensor& latents, const at::Tensor& timesteps, const at::Tensor& context) {
    if (latents.dim() != 4 || latents.size(1) != config_.in_channels)
        throw InputError("the UNet expects latents [B, " + std::to_string(config_.in_channels) + ", H, W]");
    if (context.dim() != 3 || context.size(0) != latents.size(0) || context.size(2) != config_.context_dim)
        throw InputError("the UNet expects a context [B, N, " + std::to_string(config_.context_dim) +
                         "] with the latents' batch size");
    const auto batch = latents.size(0);
    if (timesteps.numel() != 1 && timesteps.numel() != batch)
        throw InputError("the UNet expects one timestep, or one per latent in the batch");

    const at::Tensor& weight = layers_->conv_in->weight;
    const auto options = weight.options().dtype(activation_dtype(weight));
    const at::Tensor cond = context.to(options);
    const at::Tensor features = timestep_features(timesteps.reshape({-1}).expand({batch}), config_.block_out_channels[0],
                                                  config_.flip_sin_to_cos, config_.freq_shift);
    const at::Tensor time = layers_->time_embedding->forward(features.to(options));

    at::Tensor x = conv2d(*layers_->conv_in, to_convolution_layout(latents.to(options)));
    std::vector<at::Tensor> skips{x};
    if (checkpointing_) {
        // The blocks run as functions of their tensor inputs; each closure holds its block (and, for an
        // up block, the skip it only takes the size of) by value, since it runs again in backward.
        for (const auto& block : layers_->down_blocks) {
            const auto outputs = gradient_checkpoint(
                [block](const std::vector<at::Tensor>& in) {
                    std::vector<at::Tensor> out{at::Tensor()};
                    const at::Tensor y = block->forward(in[0], in[1], in[2], &out);
                    out.front() = y;
                    return out;
                },
                {x, time, cond});
            x = outputs.front();
            skips.insert(skips.end(), outputs.begin() + 1, outputs.end());
        }
        const auto mid = layers_->mid_block;
        x = gradient_checkpoint([mid](const std::vector<at::Tensor>& in) { return std::vector<at::Tensor>{mid->forward(in[0], in[1], in[2])}; },
                                {x, time, cond})
                .front();
        const auto consumed = static_cast<std::size_t>(config_.layers_per_block + 1);
        for (const auto& block : layers_->up_blocks) {
            std::vector<at::Tensor> inputs{x, time, cond};
            inputs.insert(inputs.end(), skips.end() - static_cast<std::ptrdiff_t>(consumed), skips.end());
            skips.resize(skips.size() - consumed);
            const at::Tensor next_skip = skips.empty() ? at::Tensor() : skips.back();
            x = gradient_checkpoint(
                    [block, next_skip](const std::vector<at::Tensor>& in) {
                        std::vector<at::Tensor> own;
                        if (next_skip.defined()) own.push_back(next_skip);
                        own.insert(own.end(), in.begin() + 3, in.end());
                        return std::vector<at::Tensor>{block->forward(in[0], in[1], in[2], &own)};
                    },
                    inputs)
                    .front();
        }
    } else {
        // Streaming: a block's pages come in with one call before it runs and leave after it.
        const auto run = [this](const auto& block, auto&& call) {
            if (streaming_) prefetch_weight_pages(*block);
            at::Tensor y = call();
            if (streaming_) release_weight_pages(*block);
            return y;
        };
        for (const auto& block : layers_->down_blocks) x = run(block, [&] { return block->forward(x, time, cond, &skips); });
        x = run(layers_->mid_block, [&] { return layers_->mid_block->forward(x, time, cond); });
        for (const auto& block : layers_->up_blocks) x = run(block, [&] { return block->forward(x, time, cond, &skips); });
    }
    x = conv2d(*layers_->conv_out, at::silu(group_norm(*layers_->conv_norm_out, x)));
    return to_standard_layout(x.to(latents.scalar_type()));
}

}  // namespace facemix
