#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "mix/condition_tokens.h"

namespace facemix {

// How often training zeroes condition tokens, per image: both (the CFG unconditional), the face token
// alone (what --background-scale guides with) and the background token alone (--face-scale).
struct TokenDropoutRates {
    double both = 0.0;
    double face_only = 0.0;
    double background_only = 0.0;
};

// Which tokens of each image stay, [B, N, 1] of 0/1 for the N tokens of `layout`, from one uniform draw
// u [B] per image: both zeroed when u < both, the face token alone in the next face_only of [0, 1),
// the background alone in the next background_only. With the single-token rates at 0 this is plain CFG
// dropout, drawn exactly as runs made before per-token dropout drew it.
at::Tensor kept_tokens(const at::Tensor& u, const std::vector<TokenSpec>& layout, const TokenDropoutRates& rates);

}  // namespace facemix
