#include "nn/load_weights.h"

#include "common/error.h"

#include <sstream>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

namespace facemix {
namespace {

std::string shape_text(at::IntArrayRef shape) {
    std::ostringstream text;
    text << "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text << (i ? ", " : "") << shape[i];
    text << "]";
    return text.str();
}

// At most `limit` items, then how many more: enough to act on, short enough to read.
void list_items(std::ostringstream& message, const char* heading, const std::vector<std::string>& items) {
    constexpr std::size_t limit = 8;
    if (items.empty()) return;
    message << "; " << items.size() << " " << heading << ": ";
    for (std::size_t i = 0; i < items.size() && i < limit; ++i) message << (i ? ", " : "") << items[i];
    if (items.size() > limit) message << ", ... (" << items.size() - limit << " more)";
}

}  // namespace

TensorMap module_weights(const torch::nn::Module& module) {
    TensorMap weights;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) weights.emplace(item.key(), item.value());
    for (const auto& item : module.named_buffers(/*recurse=*/true)) weights.emplace(item.key(), item.value());
    return weights;
}

void load_weights(torch::nn::Module& module, const TensorMap& weights, const std::string& what, WeightTransfer transfer) {
    const TensorMap targets = module_weights(module);
    std::vector<std::string> missing, unexpected, mismatched;
    for (const auto& [name, target] : targets) {
        const auto found = weights.find(name);
        if (found == weights.end())
            missing.push_back(name);
        else if (found->second.sizes() != target.sizes())
            mismatched.push_back(name + " " + shape_text(found->second.sizes()) + " (network expects " +
                                 shape_text(target.sizes()) + ")");
    }
    for (const auto& [name, tensor] : weights)
        if (!targets.count(name)) unexpected.push_back(name);
    if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
        std::ostringstream message;
        message << what << " does not fit the network";
        list_items(message, "missing", missing);
        list_items(message, "unexpected", unexpected);
        list_items(message, "with the wrong shape", mismatched);
        throw InputError(message.str());
    }
    at::NoGradGuard no_grad;
    for (const auto& [name, target] : targets) {
        const at::Tensor source = weights.at(name).to(target.device(), target.scalar_type());
        if (transfer == WeightTransfer::Share)
            at::Tensor(target).set_data(source.contiguous());
        else
            target.copy_(source);
    }
}

}  // namespace facemix
