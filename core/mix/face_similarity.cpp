#include "mix/face_similarity.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "mix/source_embedder.h"

namespace facemix {

double cosine_similarity(const at::Tensor& a, const at::Tensor& b) {
    if (a.numel() != b.numel())
        throw std::invalid_argument("cosine_similarity takes vectors of one length, not " + std::to_string(a.numel()) +
                                    " and " + std::to_string(b.numel()) + " elements.");
    // float64 sums: a float32 dot product of 768 terms is off by ~1e-6, the size of the tolerance a score
    // of "identical" is checked against.
    const at::Tensor x = a.detach().to(c10::Device(c10::kCPU), at::kDouble).contiguous().reshape({-1});
    const at::Tensor y = b.detach().to(c10::Device(c10::kCPU), at::kDouble).contiguous().reshape({-1});
    const double* xs = x.data_ptr<double>();
    const double* ys = y.data_ptr<double>();
    double dot = 0, xx = 0, yy = 0;
    for (std::int64_t i = 0; i < x.numel(); ++i) {
        dot += xs[i] * ys[i];
        xx += xs[i] * xs[i];
        yy += ys[i] * ys[i];
    }
    if (xx == 0 || yy == 0) return 0.0;
    return dot / (std::sqrt(xx) * std::sqrt(yy));
}

double embedding_similarity(SourceEmbedder& embedder, const cv::Mat& generated_aligned, const cv::Mat& source_aligned,
                            ImagePart part) {
    // Qualified: argument-dependent lookup would also find at::cosine_similarity.
    return facemix::cosine_similarity(embedder.embed(generated_aligned, part), embedder.embed(source_aligned, part));
}

double face_similarity(SourceEmbedder& embedder, const cv::Mat& generated_aligned, const cv::Mat& source_aligned) {
    return embedding_similarity(embedder, generated_aligned, source_aligned, ImagePart::FaceCrop);
}

}  // namespace facemix
