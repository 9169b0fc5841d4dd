#include "train/fused_adamw.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace facemix {
namespace {

// Parameters of a few shapes with gradients drawn per step, one left without a gradient (frozen).
std::vector<at::Tensor> parameters() {
    at::manual_seed(3);
    std::vector<at::Tensor> params = {at::randn({7, 5}), at::randn({13}), at::randn({2, 3, 3, 3}), at::randn({4})};
    for (auto& param : params) param.set_requires_grad(true);
    return params;
}

void take_steps(torch::optim::Optimizer& optimizer, const std::vector<at::Tensor>& params, int steps) {
    for (int step = 0; step < steps; ++step) {
        at::manual_seed(100 + step);
        for (std::size_t i = 0; i + 1 < params.size(); ++i) params[i].mutable_grad() = at::randn(params[i].sizes());
        optimizer.step();
        optimizer.zero_grad();
    }
}

TEST(FusedAdamW, StepsLikeLibTorchsAdamW) {
    const auto options = torch::optim::AdamWOptions(1e-2).weight_decay(0.1).betas({0.9, 0.99}).eps(1e-6);
    const std::vector<at::Tensor> reference_params = parameters();
    const std::vector<at::Tensor> fused_params = parameters();
    torch::optim::AdamW reference(reference_params, options);
    FusedAdamW fused(fused_params, options);
    take_steps(reference, reference_params, 5);
    take_steps(fused, fused_params, 5);
    for (std::size_t i = 0; i < fused_params.size(); ++i) {
        EXPECT_TRUE(at::allclose(fused_params[i], reference_params[i], 1e-5, 1e-6)) << "parameter " << i;
        const auto* reference_state = reference.state().find(reference_params[i].unsafeGetTensorImpl()) != reference.state().end()
                                          ? &static_cast<torch::optim::AdamWParamState&>(
                                                *reference.state().at(reference_params[i].unsafeGetTensorImpl()))
                                          : nullptr;
        const auto found = fused.state().find(fused_params[i].unsafeGetTensorImpl());
        ASSERT_EQ(found != fused.state().end(), reference_state != nullptr) << "parameter " << i;
        if (!reference_state) continue;  // the parameter without gradients gets no moments from either
        const auto& moments = static_cast<torch::optim::AdamWParamState&>(*found->second);
        EXPECT_EQ(moments.step(), reference_state->step());
        EXPECT_TRUE(at::allclose(moments.exp_avg(), reference_state->exp_avg(), 1e-5, 1e-7));
        EXPECT_TRUE(at::allclose(moments.exp_avg_sq(), reference_state->exp_avg_sq(), 1e-5, 1e-7));
    }
}

}  // namespace
}  // namespace facemix
