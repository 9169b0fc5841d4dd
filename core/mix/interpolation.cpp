#include "mix/interpolation.h"

#include <algorithm>
#include <cmath>

#include <ATen/TensorOperators.h>
#include <ATen/ops/acos.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/linalg_vector_norm.h>
#include <ATen/ops/sin.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/where.h>

#include "common/error.h"

namespace facemix {

Interpolation interpolation_from_name(const std::string& name) {
    if (name == "slerp") return Interpolation::Slerp;
    if (name == "lerp") return Interpolation::Lerp;
    throw InputError("Interpolation \"" + name + "\" is not one of slerp or lerp.");
}

std::string interpolation_name(Interpolation method) { return method == Interpolation::Slerp ? "slerp" : "lerp"; }

at::Tensor interpolate(const at::Tensor& a, const at::Tensor& b, double t, Interpolation method) {
    const at::Tensor lerp = a + t * (b - a);
    if (method == Interpolation::Lerp) return lerp;
    const at::Tensor a64 = a.to(at::kDouble), b64 = b.to(at::kDouble);
    const at::Tensor norm_a = at::linalg_vector_norm(a64, 2, {-1}, true);
    const at::Tensor norm_b = at::linalg_vector_norm(b64, 2, {-1}, true);
    const at::Tensor cosine = at::clamp(at::sum(a64 * b64, {-1}, true) / (norm_a * norm_b).clamp_min(1e-12), -1.0, 1.0);
    const at::Tensor theta = at::acos(cosine);
    const at::Tensor direction =
        (at::sin((1.0 - t) * theta) * (a64 / norm_a.clamp_min(1e-12)) + at::sin(t * theta) * (b64 / norm_b.clamp_min(1e-12))) /
        at::sin(theta).clamp_min(1e-12);
    const at::Tensor slerp = ((1.0 - t) * norm_a + t * norm_b) * direction;
    // 0.9995 as the SD community's slerp: beyond it the sine is too small to divide by.
    return at::where(cosine.abs() > 0.9995, lerp.to(at::kDouble), slerp).to(a.scalar_type());
}

PathPoint path_point(std::size_t keyframes, double position) {
    if (keyframes == 0) throw InputError("An interpolation path needs at least one embedding.");
    if (!(position >= 0.0 && position <= 1.0)) throw InputError("An interpolation position must lie in [0, 1].");
    if (keyframes == 1) return {};
    const double scaled = position * static_cast<double>(keyframes - 1);
    const std::size_t from = std::min(static_cast<std::size_t>(scaled), keyframes - 2);
    return {from, from + 1, scaled - static_cast<double>(from)};
}

double frame_position(std::size_t i, std::size_t frames) {
    return frames <= 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(frames - 1);
}

}  // namespace facemix
