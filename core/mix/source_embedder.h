#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "bundle/model_manifest.h"
#include "identity/face_descriptor.h"
#include "mix/compute_target.h"
#include "mix/condition_tokens.h"

namespace facemix {

class ClipVisionModel;
class DescriptorProjection;

// Embeds the parts of aligned images with the bundle's encoder and remembers every result by the hash
// of the aligned pixels and the part, so a face used in every row of a grid, or again in the next run
// of the studio, is embedded once. Keying by pixels rather than by file name keeps the cache right when
// a file changes on disk or the same photo is aligned at another size. Thread-safe.
class SourceEmbedder {
public:
    // `face_projection` is needed only for FaceIdentity tokens (the dlib face-recognition model is then
    // loaded on first use).
    SourceEmbedder(std::shared_ptr<ClipVisionModel> encoder, Conditioning conditioning, ComputeTarget target,
                   std::shared_ptr<DescriptorProjection> face_projection = nullptr);
    ~SourceEmbedder();

    // The embedding [D] (float32, CPU) of `part` of `aligned`, an 8-bit BGR square image: the encoder's,
    // or for FaceIdentity the face projection of the face's dlib descriptor. Throws InputError when the
    // image is not square 8-bit colour, or FaceIdentity is asked of a model without a face projection.
    at::Tensor embed(const cv::Mat& aligned, ImagePart part);
    // Several photos of one person, weights summing to 1: the weighted mean of their encoder
    // embeddings, or for FaceIdentity the face projection of the weighted mean of their descriptors
    // (the token source's own quantity is what is averaged).
    at::Tensor embed(const std::vector<std::pair<cv::Mat, double>>& photos, ImagePart part);

    std::int64_t width() const;
    std::size_t computed() const;  // encoder runs so far (cache misses)
    std::size_t cached() const;

private:
    // Both cached by the hash of the pixels (and the part); the caller holds mutex_.
    at::Tensor encoder_embedding(const cv::Mat& pixels, ImagePart part);
    const FaceDescriptorVector& descriptor(const cv::Mat& pixels);

    std::shared_ptr<ClipVisionModel> encoder_;
    std::shared_ptr<DescriptorProjection> face_projection_;
    std::unique_ptr<FaceDescriptor> face_descriptor_;  // loaded on the first FaceIdentity token
    Conditioning conditioning_;
    ComputeTarget target_;
    mutable std::mutex mutex_;
    std::map<std::string, at::Tensor> cache_;
    std::map<std::string, FaceDescriptorVector> descriptors_;
    std::size_t computed_ = 0;
};

}  // namespace facemix
