#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace facemix {

// What a job does with the weights its networks map from the model file (io/mapped_file).
// Streamed: each network's pages leave the process when it is done for the phase, and the UNet's come
// in block by block, so the whole model is never resident at once (SD v1 in bf16 at 512 px peaks under
// 2.3 GB); every call then pays for faulting them back in from the page cache (about 1.2x per SD v1
// UNet call in bf16 on a 2-core CPU). Resident: the pages come in once, when the model opens, and stay.
// Auto: resident unless memory is short. Weights the process owns (converted when loading, or copied
// to a GPU) stay where they are whatever the choice.
enum class WeightResidency { Auto, Resident, Streamed };

// "auto", "resident", "streamed": the names flags and settings offer, in that order.
std::vector<std::string> weight_residency_names();
// One of those names; anything else is an InputError naming the choices.
WeightResidency weight_residency_from_name(const std::string& name);
std::string weight_residency_name(WeightResidency residency);

// Below this many bytes of weights streaming buys nothing worth its cost: Auto keeps them resident.
inline constexpr std::int64_t kStreamedModelBytes = 256LL << 20;

// The choice for a job whose networks map `model_bytes` of weights, when `available_bytes` of memory
// can be had (nothing: unknown). A request other than Auto is kept. Auto streams on the CPU when a model
// over kStreamedModelBytes would take more than half of the memory available, leaving the rest for the
// activations (a 512 px decode alone needs hundreds of MB) and whatever else the machine runs; on a
// GPU, or when the memory cannot be read, the weights stay resident.
WeightResidency resolve_weight_residency(WeightResidency requested, bool on_cpu, std::int64_t model_bytes,
                                         std::optional<std::int64_t> available_bytes);

// Memory this process can still take without swapping: the kernel's MemAvailable, or less where a
// cgroup (a container, a systemd slice) limits the process to less. Nothing when neither can be read.
std::optional<std::int64_t> available_memory_bytes();

// The parsers behind it, on the files' text. MemAvailable of /proc/meminfo (in kB there); a cgroup's
// limit less its usage (v2's memory.max, "max" meaning none, and memory.current; v1's
// memory.limit_in_bytes and memory.usage_in_bytes); the (limit, usage) files of the cgroups that
// /proc/self/cgroup names, v2's and v1's memory controller's.
std::optional<std::int64_t> mem_available_from_meminfo(std::string_view meminfo);
std::optional<std::int64_t> cgroup_headroom(std::string_view limit, std::string_view usage);
std::vector<std::pair<std::string, std::string>> cgroup_memory_files(std::string_view proc_self_cgroup);

}  // namespace facemix
