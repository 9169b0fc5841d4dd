#include "mix/identity_meter.h"

#include "common/error.h"
#include "io/content_hash.h"
#include "mix/face_similarity.h"

namespace facemix {

namespace {

// A studio session sees a few dozen face sources at most; past this the cache starts afresh rather than
// growing without bound.
constexpr std::size_t kMaxRememberedSources = 256;

std::string pixel_key(const cv::Mat& image) {
    const cv::Mat pixels = image.isContinuous() ? image : image.clone();
    return std::to_string(pixels.cols) + "x" + std::to_string(pixels.rows) + ":" +
           content_hash(pixels.data, pixels.total() * pixels.elemSize());
}

}  // namespace

IdentityMeter::IdentityMeter(std::optional<std::filesystem::path> descriptor_model)
    : descriptor_model_(std::move(descriptor_model)) {}

FaceDescriptor* IdentityMeter::descriptor() {
    if (!load_tried_) {
        load_tried_ = true;
        try {
            descriptor_.emplace(descriptor_model_ ? *descriptor_model_ : default_face_descriptor_model_path());
        } catch (const InputError& error) {
            descriptor_error_ = error.what();
        }
    }
    return descriptor_ ? &*descriptor_ : nullptr;
}

const std::optional<FaceDescriptorVector>& IdentityMeter::source_descriptor(FaceDescriptor& descriptor, const cv::Mat& source) {
    const std::string key = pixel_key(source);
    if (auto found = sources_.find(key); found != sources_.end()) return found->second;
    if (sources_.size() >= kMaxRememberedSources) sources_.clear();
    return sources_.emplace(key, describe_largest_face_enlarged(descriptor, source)).first->second;
}

IdentityReading IdentityMeter::measure(SourceEmbedder& embedder, const cv::Mat& cell, const cv::Mat& face_source) {
    const auto fallback = [&](IdentityFallback why) {
        return IdentityReading{IdentityMeasure::EncoderCosine, face_similarity(embedder, cell, face_source), why};
    };
    FaceDescriptor* network = descriptor();
    if (!network) return fallback(IdentityFallback::NoDescriptorModel);
    // The cell first: a young model's cells often show no face, and then the source need not be described.
    const auto described = describe_largest_face_enlarged(*network, cell);
    if (!described) return fallback(IdentityFallback::NoFaceInCell);
    const auto& source = source_descriptor(*network, face_source);
    if (!source) return fallback(IdentityFallback::NoFaceInSource);
    return {IdentityMeasure::DescriptorDistance, static_cast<double>(descriptor_distance(*described, *source)), IdentityFallback::None};
}

}  // namespace facemix
