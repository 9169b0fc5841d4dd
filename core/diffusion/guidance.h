#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facemix {

// Classifier-free guidance over groups of condition tokens. One branch is a copy of the condition in
// which only the branch's tokens are kept (the others set to their unconditional value) and a scale:
//
//     ε = ε∅ + Σ_k s_k (ε_k − ε∅)
//
// One branch keeping every token is ordinary CFG, ε∅ + s(ε_c − ε∅). The face mixer's separate guidance
// is two branches, the face token with s_f and the background token with s_b, so the face and the rest
// of the picture can be pushed independently (the blog's footnote). All passes of all samples go through
// the UNet as one batch: [∅ for every sample; branch 1 for every sample; …].
class Guidance {
public:
    struct Branch {
        std::vector<bool> keep;  // one flag per token
        double scale = 1.0;
    };

    // Plain CFG with one scale for `tokens` tokens.
    static Guidance classifier_free(double scale, std::size_t tokens);
    // Throws InputError when a branch's token count differs from the others' or no branch is given.
    explicit Guidance(std::vector<Branch> branches);

    const std::vector<Branch>& branches() const { return branches_; }
    // UNet passes per sample: 1 when a single all-token branch has scale 1 (no unconditional pass is
    // needed), else 1 + branches.
    std::int64_t passes() const;

    // condition, unconditional: [B, N, D] → the contexts of every pass, [passes·B, N, D].
    at::Tensor contexts(const at::Tensor& condition, const at::Tensor& unconditional) const;
    // The UNet's ε for those contexts, [passes·B, …] → the guided ε [B, …], combined in float32 and
    // returned in eps's dtype.
    at::Tensor combine(const at::Tensor& eps) const;

private:
    bool plain_conditional() const;
    std::vector<Branch> branches_;
};

}  // namespace facemix
