#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <torch/nn/module.h>

#include "nn/resnet_block.h"
#include "nn/spatial_transformer.h"

namespace facemix {

// What a down block and an up block share: one ResNet block per entry of in_channels (registered as
// resnets.j), each followed by a spatial transformer (attentions.j) when the level attends.
struct LevelLayersShape {
    std::vector<std::int64_t> in_channels;  // input channels of each ResNet, first layer first
    std::int64_t out_channels = 0;
    std::int64_t time_channels = 0;
    std::int64_t norm_groups = 32;
    double norm_eps = 1e-5;
    std::optional<SpatialTransformerShape> transformer{};  // its channels are set to out_channels
};

struct LevelLayers {
    std::vector<std::shared_ptr<ResnetBlock>> resnets;
    std::vector<std::shared_ptr<SpatialTransformer>> attentions;  // empty when the level does not attend
};

// Builds the layers and registers them on `owner` under diffusers' names.
LevelLayers register_level_layers(torch::nn::Module& owner, const LevelLayersShape& shape);

}  // namespace facemix
