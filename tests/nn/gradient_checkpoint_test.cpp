#include "bundle/random_bundle.h"
#include "common/one_intra_op_thread.h"
#include "nn/unet.h"

#include <map>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace facemix {
namespace {

// The gradients of a fixed scalar of the tiny UNet's output, by parameter name, and of the context.
std::map<std::string, at::Tensor> gradients(UNet& unet, const at::Tensor& latents, const at::Tensor& timesteps,
                                            at::Tensor context, const at::Tensor& weights) {
    unet.zero_grad();
    context.mutable_grad() = at::Tensor();
    const at::Tensor output = unet.forward(latents, timesteps, context);
    (output * weights).sum().backward();
    std::map<std::string, at::Tensor> result;
    for (const auto& item : unet.named_parameters())
        if (item.value().grad().defined()) result.emplace(item.key(), item.value().grad().clone());
    result.emplace("(context)", context.grad().clone());
    result.emplace("(output)", output.detach().clone());
    return result;
}

TEST(GradientCheckpoint, UNetGradientsAreTheSameWithAndWithoutIt) {
    const OneIntraOpThread one_thread;
    at::manual_seed(0);
    UNet unet(*face_mixer_manifest("tiny").unet);
    const at::Tensor latents = at::randn({2, 4, 16, 16}), timesteps = at::tensor({10, 700});
    const at::Tensor context = at::randn({2, 2, 32}).requires_grad_(true);
    const at::Tensor weights = at::randn({2, 4, 16, 16});
    const auto plain = gradients(unet, latents, timesteps, context, weights);
    unet.set_gradient_checkpointing(true);
    const auto checkpointed = gradients(unet, latents, timesteps, context, weights);
    ASSERT_EQ(plain.size(), checkpointed.size());  // the same parameters get gradients
    EXPECT_EQ(plain.size(), unet.parameters().size() + 2);
    double largest = 0;
    for (const auto& [name, gradient] : plain) {
        ASSERT_TRUE(checkpointed.count(name)) << name;
        // 1e-5 relative to the tensor's largest gradient: a recomputation may sum in another order.
        const double scale = std::max(1.0, gradient.abs().max().item<double>());
        EXPECT_LT((checkpointed.at(name) - gradient).abs().max().item<double>(), 1e-5 * scale) << name << " (scale " << scale << ")";
        largest = std::max(largest, gradient.abs().max().item<double>());
    }
    EXPECT_GT(largest, 1e-2);  // the comparison is of real gradients
    // Every parameter gets a gradient through the recomputation, including the first and last layers.
    EXPECT_GT(checkpointed.at("conv_in.weight").abs().sum().item<double>(), 0);
    EXPECT_GT(checkpointed.at("down_blocks.0.resnets.0.conv1.weight").abs().sum().item<double>(), 0);
    // Without gradients it is a plain forward pass.
    const at::NoGradGuard no_grad;
    EXPECT_TRUE(at::allclose(unet.forward(latents, timesteps, context), plain.at("(output)"), 0, 1e-6));
}

}  // namespace
}  // namespace facemix
