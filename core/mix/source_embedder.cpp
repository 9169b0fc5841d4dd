#include "mix/source_embedder.h"

#include <torch/nn/module.h>  // ClipVisionModel's base

#include <ATen/core/grad_mode.h>
#include <ATen/ops/tensor.h>

#include "common/error.h"
#include "identity/face_descriptor.h"
#include "io/content_hash.h"
#include "nn/clip_vision.h"
#include "nn/descriptor_projection.h"
#include "tensor/image_tensor.h"

namespace facemix {

SourceEmbedder::SourceEmbedder(std::shared_ptr<ClipVisionModel> encoder, Conditioning conditioning, ComputeTarget target,
                               std::shared_ptr<DescriptorProjection> face_projection)
    : encoder_(std::move(encoder)), face_projection_(std::move(face_projection)), conditioning_(std::move(conditioning)), target_(target) {
    if (!encoder_) throw InputError("The model has no image encoder, so it cannot embed faces or backgrounds.");
}

SourceEmbedder::~SourceEmbedder() = default;

std::int64_t SourceEmbedder::width() const { return encoder_->config().projection_dim; }

namespace {

cv::Mat checked_pixels(const cv::Mat& aligned) {
    if (aligned.empty() || aligned.type() != CV_8UC3 || aligned.rows != aligned.cols)
        throw InputError("An aligned face must be a square 8-bit colour image.");
    return aligned.isContinuous() ? aligned : aligned.clone();
}

std::string pixel_key(const cv::Mat& pixels) {
    return content_hash(pixels.data, pixels.total() * pixels.elemSize()) + "/" + std::to_string(pixels.rows);
}

}  // namespace

at::Tensor SourceEmbedder::embed(const cv::Mat& aligned, ImagePart part) { return embed({{aligned, 1.0}}, part); }

at::Tensor SourceEmbedder::embed(const std::vector<std::pair<cv::Mat, double>>& photos, ImagePart part) {
    if (photos.empty()) throw InputError("A person needs at least one photo to be embedded.");
    std::lock_guard lock(mutex_);
    at::NoGradGuard no_grad;
    if (part == ImagePart::FaceIdentity) {
        if (!face_projection_) throw InputError("The model has no face projection, so it cannot turn a face descriptor into a token.");
        std::vector<float> mean(std::tuple_size_v<FaceDescriptorVector>, 0.0f);
        for (const auto& [image, weight] : photos) {
            const FaceDescriptorVector& one = descriptor(checked_pixels(image));
            for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += static_cast<float>(weight) * one[i];
        }
        const at::Tensor input = at::tensor(at::ArrayRef<float>(mean.data(), mean.size())).view({1, -1});
        return face_projection_->forward(input.to(target_.device)).to(at::kFloat).to(c10::Device(c10::kCPU)).reshape({-1});
    }
    if (photos.size() == 1) return encoder_embedding(checked_pixels(photos.front().first), part);
    at::Tensor mean;
    for (const auto& [image, weight] : photos) {
        const at::Tensor one = encoder_embedding(checked_pixels(image), part) * weight;
        mean = mean.defined() ? mean + one : one;
    }
    return mean;
}

at::Tensor SourceEmbedder::encoder_embedding(const cv::Mat& pixels, ImagePart part) {
    const std::string key = pixel_key(pixels) + "/" + std::to_string(static_cast<int>(part));
    if (const auto found = cache_.find(key); found != cache_.end()) return found->second;
    const at::Tensor image = image_part(image_to_tensor(pixels), part, conditioning_).to(target_.device);
    const at::Tensor embedding = encoder_->encode_image(image).to(at::kFloat).to(c10::Device(c10::kCPU)).reshape({-1});
    ++computed_;
    return cache_.emplace(key, embedding).first->second;
}

const FaceDescriptorVector& SourceEmbedder::descriptor(const cv::Mat& pixels) {
    const std::string key = pixel_key(pixels);
    if (const auto found = descriptors_.find(key); found != descriptors_.end()) return found->second;
    if (!face_descriptor_) face_descriptor_ = std::make_unique<FaceDescriptor>();
    ++computed_;
    return descriptors_.emplace(key, face_descriptor_->describe_aligned(pixels)).first->second;
}

std::size_t SourceEmbedder::computed() const {
    std::lock_guard lock(mutex_);
    return computed_;
}

std::size_t SourceEmbedder::cached() const {
    std::lock_guard lock(mutex_);
    return cache_.size() + descriptors_.size();
}

}  // namespace facemix
