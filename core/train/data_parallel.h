#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facemix {

// The rows [begin, end) of a global batch that one rank trains on.
struct BatchRows {
    std::int64_t begin = 0;
    std::int64_t end = 0;
    std::int64_t size() const { return end - begin; }
};

// Rank r of W takes rows [r*B/W, (r+1)*B/W): equal shards, so the mean of the ranks' mean losses is the
// global batch's. Throws InputError naming both numbers when W does not divide B.
BatchRows batch_rows(std::int64_t batch, int rank, int world_size);

// Data parallelism over a c10d process group: every rank holds the whole model, trains on its shard of
// each global batch, and averages the gradients with the others before the (identical) optimizer step,
// so all ranks stay bit-for-bit in step. A world of one rank is a no-op. Gloo carries the collectives;
// on a GPU the gradients travel through CPU copies (the wheel's headers build NCCL only with its own
// build flags, which facemix does not have).
// A collective that fails (a rank died) or waits longer than the timeout (a rank hung) throws
// std::runtime_error with one sentence naming this rank: never a silent hang.
class DataParallel {
public:
    DataParallel();  // one rank, no process group
    // From torchrun's variables: RANK, WORLD_SIZE (absent = 1 rank), MASTER_ADDR, MASTER_PORT. Rank 0 hosts
    // the rendezvous store; the others wait up to `timeout` for it. Throws InputError for a malformed value.
    static DataParallel from_environment(std::chrono::seconds timeout);
    DataParallel(DataParallel&&) noexcept;
    DataParallel& operator=(DataParallel&&) noexcept;
    ~DataParallel();

    int rank() const;
    int world_size() const;
    bool is_main() const { return rank() == 0; }  // the rank that writes checkpoints, samples and logs

    // Overwrites the tensors of every rank with rank 0's.
    void broadcast(const std::vector<at::Tensor>& tensors) const;
    // Replaces each parameter's gradient by its mean over the ranks, in flattened buckets of ~25 MB.
    void average_gradients(const std::vector<at::Tensor>& params) const;
    double average(double value) const;
    // Throws InputError naming `what` when rank 0 holds another value than this rank.
    void require_same(std::int64_t value, const std::string& what) const;

private:
    struct Group;
    DataParallel(std::unique_ptr<Group> group);
    std::unique_ptr<Group> group_;
};

}  // namespace facemix
