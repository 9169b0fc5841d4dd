#include "diffusion/guidance.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/where.h>

#include "common/error.h"

namespace facemix {

Guidance Guidance::classifier_free(double scale, std::size_t tokens) {
    return Guidance({Branch{std::vector<bool>(tokens, true), scale}});
}

Guidance::Guidance(std::vector<Branch> branches) : branches_(std::move(branches)) {
    if (branches_.empty()) throw InputError("Guidance needs at least one conditioned branch.");
    for (const auto& branch : branches_)
        if (branch.keep.size() != branches_.front().keep.size() || branch.keep.empty())
            throw InputError("Every guidance branch must name the same, non-zero number of condition tokens.");
}

bool Guidance::plain_conditional() const {
    if (branches_.size() != 1 || branches_.front().scale != 1.0) return false;
    for (bool keep : branches_.front().keep)
        if (!keep) return false;
    return true;
}

std::int64_t Guidance::passes() const {
    return plain_conditional() ? 1 : 1 + static_cast<std::int64_t>(branches_.size());
}

at::Tensor Guidance::contexts(const at::Tensor& condition, const at::Tensor& unconditional) const {
    const auto tokens = condition.size(1);
    if (tokens != static_cast<std::int64_t>(branches_.front().keep.size()) || unconditional.sizes() != condition.sizes())
        throw InputError("The condition has " + std::to_string(tokens) + " tokens but the guidance was set up for " +
                         std::to_string(branches_.front().keep.size()) + ".");
    if (plain_conditional()) return condition;
    std::vector<at::Tensor> passes{unconditional};
    for (const auto& branch : branches_) {
        std::vector<std::uint8_t> keep(branch.keep.begin(), branch.keep.end());
        const at::Tensor mask = at::tensor(keep, at::TensorOptions().dtype(at::kByte)).to(condition.device(), at::kBool).view({1, tokens, 1});
        passes.push_back(at::where(mask, condition, unconditional));
    }
    return at::cat(passes, 0);
}

at::Tensor Guidance::combine(const at::Tensor& eps) const {
    if (plain_conditional()) return eps;
    const auto batch = eps.size(0) / passes();
    const at::Tensor all = eps.to(at::kFloat);
    const at::Tensor unconditional = all.narrow(0, 0, batch);
    at::Tensor guided = unconditional.clone();
    for (std::size_t k = 0; k < branches_.size(); ++k) {
        const at::Tensor branch = all.narrow(0, static_cast<std::int64_t>(k + 1) * batch, batch);
        guided += branches_[k].scale * (branch - unconditional);
    }
    return guided.to(eps.scalar_type());
}

}  // namespace facemix
