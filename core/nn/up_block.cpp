#include "nn/up_block.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>

#include "nn/level_layers.h"
#include "nn/upsample.h"

namespace facemix {

struct UpBlock::Layers {
    bool uses_skips = false;
    std::vector<std::shared_ptr<ResnetBlock>> resnets;
    std::vector<std::shared_ptr<SpatialTransformer>> attentions;
    std::shared_ptr<Upsample> upsampler;
};

UpBlock::UpBlock(const UpBlockShape& shape) : layers_(std::make_unique<Layers>()) {
    layers_->uses_skips = !shape.skip_channels.empty();
    std::vector<std::int64_t> in_channels;
    for (std::int64_t j = 0; j < shape.layers; ++j) {
        const std::int64_t input = j == 0 ? shape.in_channels : shape.out_channels;
        in_channels.push_back(input + (layers_->uses_skips ? shape.skip_channels.at(static_cast<std::size_t>(j)) : 0));
    }
    LevelLayers level = register_level_layers(*this, {.in_channels = in_channels,
                                                      .out_channels = shape.out_channels,
                                                      .time_channels = shape.time_channels,
                                                      .norm_groups = shape.norm_groups,
                                                      .norm_eps = shape.norm_eps,
                                                      .transformer = shape.transformer});
    layers_->resnets = std::move(level.resnets);
    layers_->attentions = std::move(level.attentions);
    if (shape.upsample) {
        layers_->upsampler = std::make_shared<Upsample>(shape.out_channels);
        torch::nn::ModuleList upsamplers;
        upsamplers->push_back(layers_->upsampler);
        register_module("upsamplers", upsamplers);
    }
}

UpBlock::~UpBlock() = default;

at::Tensor UpBlock::forward(at::Tensor x, const at::Tensor& time_embedding, const at::Tensor& context,
                            std::vector<at::Tensor>* skips) {
    const bool concatenates = layers_->uses_skips && skips;
    for (std::size_t j = 0; j < layers_->resnets.size(); ++j) {
        if (concatenates) {
            x = at::cat({x, skips->back()}, 1);
            skips->pop_back();
        }
        x = layers_->resnets[j]->forward(x, time_embedding);
        if (!layers_->attentions.empty()) x = layers_->attentions[j]->forward(x, context);
    }
    if (layers_->upsampler)
        x = concatenates && !skips->empty() ? layers_->upsampler->forward(x, skips->back().sizes().slice(2))
                                            : layers_->upsampler->forward(x);
    return x;
}

}  // namespace facemix
