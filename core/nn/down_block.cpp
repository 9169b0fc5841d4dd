#include "nn/down_block.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>

#include "nn/level_layers.h"

namespace facemix {

struct DownBlock::Layers {
    std::vector<std::shared_ptr<ResnetBlock>> resnets;
    std::vector<std::shared_ptr<SpatialTransformer>> attentions;
    std::shared_ptr<Downsample> downsampler;
};

DownBlock::DownBlock(const DownBlockShape& shape) : layers_(std::make_unique<Layers>()) {
    std::vector<std::int64_t> in_channels(static_cast<std::size_t>(shape.layers), shape.out_channels);
    if (!in_channels.empty()) in_channels.front() = shape.in_channels;
    LevelLayers level = register_level_layers(*this, {.in_channels = in_channels,
                                                      .out_channels = shape.out_channels,
                                                      .time_channels = shape.time_channels,
                                                      .norm_groups = shape.norm_groups,
                                                      .norm_eps = shape.norm_eps,
                                                      .transformer = shape.transformer});
    layers_->resnets = std::move(level.resnets);
    layers_->attentions = std::move(level.attentions);
    if (shape.downsample) {
        layers_->downsampler = std::make_shared<Downsample>(shape.out_channels, *shape.downsample);
        torch::nn::ModuleList downsamplers;
        downsamplers->push_back(layers_->downsampler);
        register_module("downsamplers", downsamplers);
    }
}

DownBlock::~DownBlock() = default;

at::Tensor DownBlock::forward(at::Tensor x, const at::Tensor& time_embedding, const at::Tensor& context,
                              std::vector<at::Tensor>* skips) {
    for (std::size_t j = 0; j < layers_->resnets.size(); ++j) {
        x = layers_->resnets[j]->forward(x, time_embedding);
        if (!layers_->attentions.empty()) x = layers_->attentions[j]->forward(x, context);
        if (skips) skips->push_back(x);
    }
    if (layers_->downsampler) {
        x = layers_->downsampler->forward(x);
        if (skips) skips->push_back(x);
    }
    return x;
}

}  // namespace facemix
