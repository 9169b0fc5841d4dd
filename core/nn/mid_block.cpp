#include "nn/mid_block.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>

#include "nn/attention.h"
#include "nn/resnet_block.h"

namespace facemix {

struct MidBlock::Layers {
    std::shared_ptr<ResnetBlock> first, second;
    std::shared_ptr<SpatialTransformer> transformer;
    std::shared_ptr<ImageSelfAttention> self_attention;
};

MidBlock::MidBlock(const MidBlockShape& shape) : layers_(std::make_unique<Layers>()) {
    const ResnetBlockShape resnet{.in_channels = shape.channels,
                                  .out_channels = shape.channels,
                                  .time_channels = shape.time_channels,
                                  .norm_groups = shape.norm_groups,
                                  .norm_eps = shape.norm_eps};
    layers_->first = std::make_shared<ResnetBlock>(resnet);
    layers_->second = std::make_shared<ResnetBlock>(resnet);
    torch::nn::ModuleList resnets, attentions;
    resnets->push_back(layers_->first);
    resnets->push_back(layers_->second);
    if (shape.transformer) {
        SpatialTransformerShape transformer = *shape.transformer;
        transformer.channels = shape.channels;
        layers_->transformer = std::make_shared<SpatialTransformer>(transformer);
        attentions->push_back(layers_->transformer);
    } else {
        layers_->self_attention = std::make_shared<ImageSelfAttention>(shape.channels, shape.norm_groups, shape.norm_eps);
        attentions->push_back(layers_->self_attention);
    }
    register_module("resnets", resnets);
    register_module("attentions", attentions);
}

MidBlock::~MidBlock() = default;

at::Tensor MidBlock::forward(const at::Tensor& x, const at::Tensor& time_embedding, const at::Tensor& context) {
    const at::Tensor h = layers_->first->forward(x, time_embedding);
    const at::Tensor attended = layers_->transformer ? layers_->transformer->forward(h, context)
                                                     : layers_->self_attention->forward(h);
    return layers_->second->forward(attended, time_embedding);
}

}  // namespace facemix
