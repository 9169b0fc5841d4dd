#include "nn/gradient_checkpoint.h"

#include <ATen/autocast_mode.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

namespace facemix {
namespace {

// What the backward pass needs besides the saved inputs: the function and the autocast state it ran under.
struct Recomputation : torch::CustomClassHolder {
    CheckpointedFunction function;
    c10::DeviceType device = c10::kCPU;
    bool autocast = false;
    at::ScalarType autocast_dtype = at::kFloat;
};

class CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
public:
    // Runs with grad mode off (Function::apply turns it off), so no activations are kept.
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* context,
                                                  at::TensorList inputs,
                                                  const c10::intrusive_ptr<Recomputation>& recomputation) {
        context->save_for_backward(inputs.vec());
        context->saved_data["recomputation"] = c10::IValue::make_capsule(recomputation);
        return recomputation->function(inputs.vec());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list output_gradients) {
        const auto recomputation = c10::static_intrusive_pointer_cast<Recomputation>(
            context->saved_data.at("recomputation").toCapsule());
        const torch::autograd::variable_list saved = context->get_saved_variables();
        torch::autograd::variable_list inputs;
        for (const auto& input : saved) inputs.push_back(input.detach().requires_grad_(input.requires_grad()));
        std::vector<at::Tensor> outputs;
        {
            const at::AutoGradMode grad_on(true);
            // The backward pass may run on another thread (the device's autograd thread), whose
            // thread-local autocast state is not the forward pass's.
            const bool was_enabled = at::autocast::is_autocast_enabled(recomputation->device);
            const at::ScalarType was_dtype = at::autocast::get_autocast_dtype(recomputation->device);
            at::autocast::set_autocast_dtype(recomputation->device, recomputation->autocast_dtype);
            at::autocast::set_autocast_enabled(recomputation->device, recomputation->autocast);
            outputs = recomputation->function(inputs);
            at::autocast::set_autocast_enabled(recomputation->device, was_enabled);
            at::autocast::set_autocast_dtype(recomputation->device, was_dtype);
        }
        torch::autograd::variable_list differentiable, gradients;
        for (std::size_t i = 0; i < outputs.size(); ++i)
            if (outputs[i].requires_grad() && i < output_gradients.size() && output_gradients[i].defined()) {
                differentiable.push_back(outputs[i]);
                gradients.push_back(output_gradients[i]);
            }
        if (!differentiable.empty()) torch::autograd::backward(differentiable, gradients);
        torch::autograd::variable_list input_gradients;
        for (const auto& input : inputs) input_gradients.push_back(input.requires_grad() ? input.grad() : at::Tensor());
        input_gradients.emplace_back();  // for the recomputation argument, which is no tensor
        return input_gradients;
    }
};

}  // namespace

std::vector<at::Tensor> gradient_checkpoint(const CheckpointedFunction& function, const std::vector<at::Tensor>& inputs) {
    bool any_gradient = false;
    for (const auto& input : inputs) any_gradient = any_gradient || input.requires_grad();
    if (!at::GradMode::is_enabled() || !any_gradient) return function(inputs);
    auto recomputation = c10::make_intrusive<Recomputation>();
    recomputation->function = function;
    recomputation->device = inputs.front().device().type();
    recomputation->autocast = at::autocast::is_autocast_enabled(recomputation->device);
    recomputation->autocast_dtype = at::autocast::get_autocast_dtype(recomputation->device);
    // A TensorList, not a vector: apply() counts only tensors and tensor lists as differentiable inputs.
    return CheckpointFunction::apply(at::TensorList(inputs), recomputation);
}

}  // namespace facemix
