#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>

#include <opencv2/core/mat.hpp>

#include "align/landmarks.h"

namespace facemix {

// A point in dlib's face-recognition space: photos of one person land within about 0.6 of each other
// (Euclidean), photos of different people further apart.
using FaceDescriptorVector = std::array<float, 128>;

// dlib's same-person threshold on descriptor_distance(): 99.38% on LFW at this cut, per dlib's notes.
inline constexpr float kSamePersonDistance = 0.6f;

// dlib_face_recognition_resnet_model_v1.dat: $FACEMIX_FACE_DESCRIPTOR_MODEL when set, else the copy inside
// the pip package face_recognition_models in the facemix venv ($FACEMIX_VENV, default
// ~/.local/share/facemix/venv), else /usr/share/facemix/. Throws InputError saying how to get it when
// none exists.
std::filesystem::path default_face_descriptor_model_path();

// dlib's ResNet face-recognition network (29 conv layers, 128-D output). Holds the network and its
// scratch buffers, so one instance per thread.
class FaceDescriptor {
public:
    // Throws InputError naming the file when it is missing or not that network (truncated, garbage).
    explicit FaceDescriptor(std::filesystem::path model = default_face_descriptor_model_path());
    ~FaceDescriptor();
    FaceDescriptor(FaceDescriptor&&) noexcept;
    FaceDescriptor& operator=(FaceDescriptor&&) noexcept;

    // The descriptor of the face whose 68 landmarks (photo coordinates) are given: the 150 px chip with
    // 0.25 padding that dlib's recipe cuts from the landmarks, through the network.
    FaceDescriptorVector describe(const cv::Mat& bgr, const Landmarks& landmarks);

    // The descriptor of an FFHQ-aligned face (any size; enlarged or shrunk to kAlignedDescriptorSide
    // first): landmarks found from the box where the detector puts an aligned face, no detection, so
    // every aligned image gets one, deterministically. This is what a descriptor face token sees, in
    // training and in the mix alike.
    FaceDescriptorVector describe_aligned(const cv::Mat& aligned_bgr);

    // Detects faces (HOG + 68-point landmarks) and describes the largest; nullopt when there is none.
    // Meant for images that are already aligned faces, such as generated cells.
    std::optional<FaceDescriptorVector> describe_largest_face(const cv::Mat& bgr);

    const std::filesystem::path& model_path() const { return model_; }

private:
    struct Impl;
    std::filesystem::path model_;
    std::unique_ptr<Impl> impl_;
};

// The side an aligned face is resampled to before describe_aligned(): the size `facemix prep` aligns
// at by default, where the face spans about 130 px, near the network's 150 px chip.
inline constexpr int kAlignedDescriptorSide = 256;
// Where dlib's frontal detector boxes a face in a 512 px FFHQ-aligned image: left, top, side.
inline constexpr double kAlignedFaceBox512[3] = {128.0, 172.0, 256.0};

// Images smaller than this are enlarged (bicubic) before detection: dlib's HOG window is 80 px, and
// small models' cells (32-64 px) would otherwise never show a face.
inline constexpr int kDescriptorMinSide = 256;

// describe_largest_face() on any size of image: one whose shorter side is under kDescriptorMinSide is
// enlarged to it first. nullopt for an empty image or when no face is found.
std::optional<FaceDescriptorVector> describe_largest_face_enlarged(FaceDescriptor& descriptor, const cv::Mat& bgr);

// Euclidean distance; below kSamePersonDistance means the same person.
float descriptor_distance(const FaceDescriptorVector& a, const FaceDescriptorVector& b);
// Cosine similarity in [-1, 1] (0 when either vector is all zeros).
float descriptor_cosine(const FaceDescriptorVector& a, const FaceDescriptorVector& b);

}  // namespace facemix
