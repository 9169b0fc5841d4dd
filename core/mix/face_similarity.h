#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "mix/condition_tokens.h"

namespace facemix {

class SourceEmbedder;

// The cosine of the angle between two embeddings, taken as flat vectors and computed in float64 on the
// CPU: 1 for the same direction, 0 for orthogonal, -1 for opposite. 0 when either vector is all zeros
// (it has no direction). Throws std::invalid_argument when the element counts differ.
double cosine_similarity(const at::Tensor& a, const at::Tensor& b);

// How close the face of a generated cell is to the face it was asked to keep: the cosine similarity of
// the two face crops' embeddings by the bundle's own encoder (the part the "face" token conditions on),
// so only the face box counts and hair or background changes do not. This is a stand-in until a
// face-recognition metric exists: the encoder was trained to describe images, not to tell identities
// apart, so compare scores within one model, never across models. Both images are aligned the same way
// (square 8-bit BGR, any size: the box scales with it). Symmetric; 1 for identical face crops.
// Throws InputError when either image is not square 8-bit colour.
double face_similarity(SourceEmbedder& embedder, const cv::Mat& generated_aligned, const cv::Mat& source_aligned);

// The same measure over any part the tokens condition on: face_similarity is its FaceCrop case; the
// MaskedBackground case says how close a cell's everything-else is to a background source.
double embedding_similarity(SourceEmbedder& embedder, const cv::Mat& generated_aligned, const cv::Mat& source_aligned,
                            ImagePart part);

}  // namespace facemix
