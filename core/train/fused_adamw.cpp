#include "train/fused_adamw.h"

#include <ATen/ops/_fused_adamw.h>
#include <ATen/ops/scalar_tensor.h>
#include <ATen/ops/zeros_like.h>

namespace facemix {

torch::Tensor FusedAdamW::step(LossClosure closure) {
    TORCH_CHECK(!closure, "FusedAdamW takes no closure.");
    at::NoGradGuard no_grad;
    for (auto& group : param_groups()) {
        const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
        TORCH_CHECK(!options.amsgrad(), "FusedAdamW does not implement amsgrad.");
        std::vector<at::Tensor> params, grads, exp_avgs, exp_avg_sqs, steps;
        for (const auto& param : group.params()) {
            if (!param.grad().defined()) continue;
            auto& slot = state()[param.unsafeGetTensorImpl()];
            if (!slot) {
                auto fresh = std::make_unique<torch::optim::AdamWParamState>();
                fresh->exp_avg(at::zeros_like(param, at::MemoryFormat::Preserve));
                fresh->exp_avg_sq(at::zeros_like(param, at::MemoryFormat::Preserve));
                slot = std::move(fresh);
            }
            auto& moments = static_cast<torch::optim::AdamWParamState&>(*slot);
            moments.step(moments.step() + 1);
            params.push_back(param);
            grads.push_back(param.grad());
            exp_avgs.push_back(moments.exp_avg());
            exp_avg_sqs.push_back(moments.exp_avg_sq());
            // The kernel reads the step (for the bias corrections) from a tensor on the parameter's device.
            steps.push_back(at::scalar_tensor(static_cast<double>(moments.step()), param.options().dtype(at::kFloat)));
        }
        if (params.empty()) continue;
        at::_fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, {}, steps, options.lr(), std::get<0>(options.betas()),
                          std::get<1>(options.betas()), options.weight_decay(), options.eps(), /*amsgrad=*/false,
                          /*maximize=*/false);
    }
    return {};
}

}  // namespace facemix
