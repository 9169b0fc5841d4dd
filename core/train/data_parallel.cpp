#include "train/data_parallel.h"

#include <cstdlib>
#include <functional>
#include <stdexcept>

#include <ATen/ops/cat.h>
#include <ATen/ops/tensor.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "common/error.h"

namespace facemix {
namespace {

// DDP's default bucket: big enough that a collective's latency is paid rarely, small enough that a
// flattened copy of the gradients costs little memory.
constexpr std::int64_t kBucketBytes = 25ll << 20;

std::string environment(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

int integer_variable(const char* name, int fallback, int low, int high) {
    const std::string text = environment(name, "");
    if (text.empty()) return fallback;
    std::size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || value < low || value > high)
        throw InputError("The environment variable " + std::string(name) + " is \"" + text + "\"; it must be a whole number from " +
                         std::to_string(low) + " to " + std::to_string(high) + ".");
    return value;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Applies `reduce` to the tensors in flattened buckets of about kBucketBytes, and writes the result back.
void in_buckets(const std::vector<at::Tensor>& tensors, const std::function<void(at::Tensor&)>& reduce) {
    std::size_t first = 0;
    std::int64_t bytes = 0;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        bytes += tensors[i].numel() * static_cast<std::int64_t>(tensors[i].element_size());
        if (bytes < kBucketBytes && i + 1 < tensors.size()) continue;
        std::vector<at::Tensor> flat_parts;
        for (std::size_t k = first; k <= i; ++k) flat_parts.push_back(tensors[k].detach().reshape({-1}));
        at::Tensor flat = at::cat(flat_parts);
        reduce(flat);
        std::int64_t offset = 0;
        for (std::size_t k = first; k <= i; ++k) {
            const std::int64_t n = tensors[k].numel();
            tensors[k].detach().copy_(flat.slice(0, offset, offset + n).view_as(tensors[k]));
            offset += n;
        }
        first = i + 1;
        bytes = 0;
    }
}

}  // namespace

BatchRows batch_rows(std::int64_t batch, int rank, int world_size) {
    if (batch % world_size != 0)
        throw InputError("The batch of " + std::to_string(batch) + " images does not split evenly over " +
                         std::to_string(world_size) + " ranks; make the batch a multiple of the number of ranks.");
    const std::int64_t share = batch / world_size;
    return {rank * share, (rank + 1) * share};
}

struct DataParallel::Group {
    int rank = 0;
    int world_size = 1;
    std::chrono::seconds timeout{0};
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;

    // Waits for one collective; a dead peer (a closed connection) or a hung one (the timeout) becomes
    // one sentence naming this rank, which ends the process instead of blocking it.
    void run(const char* doing, const std::function<c10::intrusive_ptr<c10d::Work>()>& collective) const {
        try {
            collective()->wait(timeout);
        } catch (const std::exception& error) {
            throw std::runtime_error("Rank " + std::to_string(rank) + " of " + std::to_string(world_size) +
                                     " lost the other ranks while " + doing + ": one of them died or hung for more than " +
                                     std::to_string(timeout.count()) + " s (--dist-timeout) (" + first_line(error.what()) + ").");
        }
    }

    // Gloo works on CPU tensors: a GPU's buckets travel through a copy.
    void all_reduce_sum(at::Tensor& flat, const char* doing) const {
        std::vector<at::Tensor> tensors{flat.device().is_cpu() ? flat : flat.to(c10::kCPU)};
        run(doing, [&] { return gloo->allreduce(tensors, c10d::AllreduceOptions{}); });
        if (!flat.device().is_cpu()) flat.copy_(tensors[0]);
    }

    void broadcast(at::Tensor& flat, const char* doing) const {
        std::vector<at::Tensor> tensors{flat.device().is_cpu() ? flat : flat.to(c10::kCPU)};
        c10d::BroadcastOptions options;
        options.rootRank = 0;
        run(doing, [&] { return gloo->broadcast(tensors, options); });
        if (!flat.device().is_cpu()) flat.copy_(tensors[0]);
    }
};

DataParallel::DataParallel() = default;
DataParallel::DataParallel(std::unique_ptr<Group> group) : group_(std::move(group)) {}
DataParallel::DataParallel(DataParallel&&) noexcept = default;
DataParallel& DataParallel::operator=(DataParallel&&) noexcept = default;
DataParallel::~DataParallel() = default;

DataParallel DataParallel::from_environment(std::chrono::seconds timeout) {
    const int world_size = integer_variable("WORLD_SIZE", 1, 1, 65536);
    if (world_size == 1) return {};
    auto group = std::make_unique<Group>();
    group->world_size = world_size;
    group->rank = integer_variable("RANK", -1, 0, world_size - 1);
    if (group->rank < 0) throw InputError("WORLD_SIZE is set, so RANK must be too (torchrun's variables).");
    group->timeout = timeout;
    const std::string address = environment("MASTER_ADDR", "127.0.0.1");
    c10d::TCPStoreOptions store;
    store.port = static_cast<std::uint16_t>(integer_variable("MASTER_PORT", c10d::TCPStoreOptions::kDefaultPort, 1, 65535));
    store.isServer = group->rank == 0;
    store.numWorkers = static_cast<std::size_t>(world_size);
    store.timeout = timeout;
    try {
        group->store = c10::make_intrusive<c10d::TCPStore>(address, store);
    } catch (const std::exception& error) {
        throw std::runtime_error("Rank " + std::to_string(group->rank) + " of " + std::to_string(world_size) +
                                 " could not meet the others at " + address + ":" + std::to_string(store.port) +
                                 " within " + std::to_string(timeout.count()) + " s (" + first_line(error.what()) + ").");
    }
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // On one machine the loopback address always works; across machines Gloo binds to the address of
    // this host's name (GLOO_SOCKET_IFNAME picks an interface instead, as in PyTorch).
    const std::string interface = environment("GLOO_SOCKET_IFNAME", "");
    if (address == "127.0.0.1" || address == "localhost")
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else if (!interface.empty())
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    else
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    group->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(group->store, group->rank, world_size, options);
    return DataParallel(std::move(group));
}

int DataParallel::rank() const { return group_ ? group_->rank : 0; }
int DataParallel::world_size() const { return group_ ? group_->world_size : 1; }

void DataParallel::broadcast(const std::vector<at::Tensor>& tensors) const {
    if (!group_) return;
    in_buckets(tensors, [&](at::Tensor& flat) { group_->broadcast(flat, "sharing rank 0's weights"); });
}

void DataParallel::average_gradients(const std::vector<at::Tensor>& params) const {
    if (!group_) return;
    // A parameter without a gradient is skipped on every rank alike: they all run the same graph.
    std::vector<at::Tensor> gradients;
    for (const auto& param : params)
        if (param.grad().defined()) gradients.push_back(param.grad());
    in_buckets(gradients, [&](at::Tensor& flat) {
        group_->all_reduce_sum(flat, "averaging gradients");
        flat.div_(group_->world_size);
    });
}

double DataParallel::average(double value) const {
    if (!group_) return value;
    at::Tensor sum = at::tensor({value}, at::kDouble);
    group_->all_reduce_sum(sum, "averaging the loss");
    return sum.item<double>() / group_->world_size;
}

void DataParallel::require_same(std::int64_t value, const std::string& what) const {
    if (!group_) return;
    at::Tensor root = at::tensor({value}, at::kLong);
    group_->broadcast(root, "comparing the run folder");
    const std::int64_t expected = root.item<std::int64_t>();
    if (expected != value)
        throw InputError("Rank " + std::to_string(group_->rank) + " has " + what + " " + std::to_string(value) + " but rank 0 has " +
                         std::to_string(expected) + "; every rank needs the same run folder (a shared file system across machines).");
}

}  // namespace facemix
