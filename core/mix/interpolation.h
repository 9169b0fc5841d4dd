#pragma once

#include <cstddef>
#include <string>

#include <ATen/core/Tensor.h>

namespace facemix {

enum class Interpolation { Slerp, Lerp };
Interpolation interpolation_from_name(const std::string& name);  // "slerp" | "lerp"; InputError otherwise
std::string interpolation_name(Interpolation method);

// Between embeddings a (t = 0) and b (t = 1) of the same shape, along the last dimension. Slerp walks
// the great circle between the two directions while the length moves linearly, so midway embeddings
// keep the norm CLIP embeddings have instead of shrinking towards the origin as lerp does; nearly
// parallel vectors fall back to lerp.
at::Tensor interpolate(const at::Tensor& a, const at::Tensor& b, double t, Interpolation method);

// A point on a path through `keyframes` ≥ 1 embeddings, position in [0, 1] spread evenly over the
// segments: between keyframes `from` and `to` = from + 1 at fraction t.
struct PathPoint {
    std::size_t from = 0;
    std::size_t to = 0;
    double t = 0.0;
};
PathPoint path_point(std::size_t keyframes, double position);

// Frame i of `frames` ≥ 1 evenly spaced from 0 to 1 (a single frame sits at 0).
double frame_position(std::size_t i, std::size_t frames);

}  // namespace facemix
