#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

#include "identity/face_descriptor.h"
#include "mix/identity_reading.h"

namespace facemix {

class SourceEmbedder;

// Reads how much of its face source's identity a generated cell kept: the dlib face-descriptor distance
// of the cell to the source, and where no descriptor can be had (the face-recognition model file is
// missing, or dlib finds no face in the source or the cell) the cosine of the model encoder's face-crop
// embeddings instead (mix/face_similarity.h), marked as such. The descriptor network is loaded at the
// first reading, not before (it takes about a second), and once: a model that failed to load is not
// tried again. Face sources' descriptors are remembered by their aligned pixels, as the grid reuses
// each face in every column. Not thread-safe: one meter per worker thread, like FaceDescriptor.
class IdentityMeter {
public:
    // `descriptor_model`: the face-recognition model file; none means default_face_descriptor_model_path(),
    // resolved at the first reading.
    explicit IdentityMeter(std::optional<std::filesystem::path> descriptor_model = std::nullopt);

    // `cell` and `face_source` are aligned 8-bit BGR squares, any size (small cells are enlarged before
    // detection). Throws InputError when either is not square 8-bit colour (the fallback's condition).
    IdentityReading measure(SourceEmbedder& embedder, const cv::Mat& cell, const cv::Mat& face_source);

    // Why the descriptor network could not be loaded, one sentence; empty before the first reading and
    // when it loaded.
    const std::string& descriptor_error() const { return descriptor_error_; }

private:
    FaceDescriptor* descriptor();  // nullptr when the network cannot be loaded
    const std::optional<FaceDescriptorVector>& source_descriptor(FaceDescriptor& descriptor, const cv::Mat& source);

    std::optional<std::filesystem::path> descriptor_model_;
    bool load_tried_ = false;
    std::optional<FaceDescriptor> descriptor_;
    std::string descriptor_error_;
    std::map<std::string, std::optional<FaceDescriptorVector>> sources_;  // by hash of the aligned pixels
};

}  // namespace facemix
