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

at::Tensor SourceEmbedder::embed(const cv::Mat& aligned, ImagePart part) {
    if (aligned.empty() || aligned.type() != CV_8UC3 || aligned.rows != aligned.cols)
        throw InputError("An aligned face must be a square 8-bit colour image.");
    const cv::Mat pixels = aligned.isContinuous() ? aligned : aligned.clone();
    const std::string key = content_hash(pixels.data, pixels.total() * pixels.elemSize()) + "/" +
                            std::to_string(pixels.rows) + "/" + std::to_string(static_cast<int>(part));
    std::lock_guard lock(mutex_);
    if (const auto found = cache_.find(key); found != cache_.end()) return found->second;
    at::NoGradGuard no_grad;
    at::Tensor embedding;
    if (part == ImagePart::FaceIdentity) {
        if (!face_projection_) throw InputError("The model has no face projection, so it cannot turn a face descriptor into a token.");
        if (!face_descriptor_) face_descriptor_ = std::make_unique<FaceDescriptor>();
        const FaceDescriptorVector descriptor = face_descriptor_->describe_aligned(pixels);
        const at::Tensor input = at::tensor(at::ArrayRef<float>(descriptor.data(), descriptor.size())).view({1, -1});
        embedding = face_projection_->forward(input.to(target_.device)).to(at::kFloat).to(c10::Device(c10::kCPU)).reshape({-1});
    } else {
        const at::Tensor image = image_part(image_to_tensor(pixels), part, conditioning_).to(target_.device);
        embedding = encoder_->encode_image(image).to(at::kFloat).to(c10::Device(c10::kCPU)).reshape({-1});
    }
    ++computed_;
    return cache_.emplace(key, embedding).first->second;
}

std::size_t SourceEmbedder::computed() const {
    std::lock_guard lock(mutex_);
    return computed_;
}

std::size_t SourceEmbedder::cached() const {
    std::lock_guard lock(mutex_);
    return cache_.size();
}

}  // namespace facemix
