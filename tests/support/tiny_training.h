#pragma once

#include <cstdint>
#include <filesystem>

#include <opencv2/core/mat.hpp>

#include "bundle/model_bundle.h"
#include "train/face_pair_dataset.h"
#include "train/train_config.h"

namespace facemix::test {

// 6 identities x 3 renders at 64 px, rendered once for the whole test run.
const std::filesystem::path& tiny_dataset();

// The tiny-pixel architecture at 16 px, with a recipe that learns visibly in a few dozen steps.
TrainConfig tiny_config(std::int64_t steps);

// One cell of a trained bundle in MixEngine: the face of image 12 on the background of image 15 of
// `data`, 5 DDIM steps, seed 3 (a failed cell is a test failure and an empty image).
cv::Mat mix_one_cell(const ModelBundle& bundle, const FacePairDataset& data);

}  // namespace facemix::test
