#include "train/token_dropout.h"

#include <ATen/ops/stack.h>

namespace facemix {

at::Tensor kept_tokens(const at::Tensor& u, const std::vector<TokenSpec>& layout, const TokenDropoutRates& rates) {
    const std::int64_t b = u.size(0);
    const double face_end = rates.both + rates.face_only, background_end = face_end + rates.background_only;
    const at::Tensor all_kept = u.ge(rates.both).to(at::kFloat);
    const at::Tensor face_dropped = u.ge(rates.both).logical_and(u.lt(face_end)).to(at::kFloat);
    const at::Tensor background_dropped = u.ge(face_end).logical_and(u.lt(background_end)).to(at::kFloat);
    std::vector<at::Tensor> per_token;
    for (const TokenSpec& token : layout) {
        at::Tensor keep = all_kept;
        if (token.role == TokenRole::Face) keep = keep.sub(face_dropped);
        if (token.role == TokenRole::Background) keep = keep.sub(background_dropped);
        per_token.push_back(keep);
    }
    return at::stack(per_token, 1).view({b, static_cast<std::int64_t>(layout.size()), 1});
}

}  // namespace facemix
