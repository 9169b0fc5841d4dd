#include "nn/level_layers.h"

#include <torch/nn/modules/container/modulelist.h>

namespace facemix {

LevelLayers register_level_layers(torch::nn::Module& owner, const LevelLayersShape& shape) {
    LevelLayers layers;
    torch::nn::ModuleList resnets, attentions;
    for (const std::int64_t in_channels : shape.in_channels) {
        layers.resnets.push_back(std::make_shared<ResnetBlock>(ResnetBlockShape{.in_channels = in_channels,
                                                                                .out_channels = shape.out_channels,
                                                                                .time_channels = shape.time_channels,
                                                                                .norm_groups = shape.norm_groups,
                                                                                .norm_eps = shape.norm_eps}));
        resnets->push_back(layers.resnets.back());
        if (shape.transformer) {
            SpatialTransformerShape transformer = *shape.transformer;
            transformer.channels = shape.out_channels;
            layers.attentions.push_back(std::make_shared<SpatialTransformer>(transformer));
            attentions->push_back(layers.attentions.back());
        }
    }
    owner.register_module("resnets", resnets);
    if (shape.transformer) owner.register_module("attentions", attentions);
    return layers;
}

}  // namespace facemix
