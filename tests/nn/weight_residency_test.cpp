#include "nn/weight_residency.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace facemix {
namespace {

constexpr std::int64_t kGiB = 1LL << 30;

TEST(WeightResidency, NamesRoundTripAndUnknownOnesAreRefused) {
    for (const auto residency : {WeightResidency::Auto, WeightResidency::Resident, WeightResidency::Streamed})
        EXPECT_EQ(weight_residency_from_name(weight_residency_name(residency)), residency);
    try {
        weight_residency_from_name("swap");
        FAIL() << "an unknown name was taken";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("auto, resident, streamed"), std::string::npos) << error.what();
    }
}

// SD v1 in bf16 maps about 2.1 GiB of weights: resident on a machine with room, streamed where the
// weights would take more than half of what is left.
TEST(WeightResidency, AutoStreamsOnlyLargeModelsWhenMemoryIsShort) {
    const std::int64_t sd_v1_bf16 = 2 * kGiB + kGiB / 10;
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, true, sd_v1_bf16, 22 * kGiB), WeightResidency::Resident);
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, true, sd_v1_bf16, 5 * kGiB), WeightResidency::Resident);
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, true, sd_v1_bf16, 4 * kGiB), WeightResidency::Streamed);
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, true, 2 * sd_v1_bf16, 6 * kGiB), WeightResidency::Streamed);
    // Small models gain nothing from streaming, however little memory there is.
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, true, 100LL << 20, 150LL << 20), WeightResidency::Resident);
    // A GPU holds its own copy; unknown memory is no reason to slow every call down.
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, false, sd_v1_bf16, kGiB), WeightResidency::Resident);
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Auto, true, sd_v1_bf16, std::nullopt), WeightResidency::Resident);
}

TEST(WeightResidency, AnExplicitChoiceIsKept) {
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Streamed, true, 1 << 20, 64 * kGiB), WeightResidency::Streamed);
    EXPECT_EQ(resolve_weight_residency(WeightResidency::Resident, true, 8 * kGiB, kGiB), WeightResidency::Resident);
}

TEST(WeightResidency, ReadsMemAvailableInKilobytes) {
    const std::string meminfo =
        "MemTotal:       24576000 kB\nMemFree:         1000000 kB\nMemAvailable:   23897856 kB\nBuffers:           0 kB\n";
    EXPECT_EQ(mem_available_from_meminfo(meminfo), 23897856LL * 1024);
    EXPECT_EQ(mem_available_from_meminfo("MemTotal: 1 kB\nMemFree: 1 kB\n"), std::nullopt);  // kernels before 3.14
    EXPECT_EQ(mem_available_from_meminfo("MemAvailable: lots\n"), std::nullopt);
    EXPECT_EQ(mem_available_from_meminfo("MemAvailable: 99999999999999999999 kB\n"), std::nullopt);
}

TEST(WeightResidency, ACgroupLimitLeavesItsHeadroom) {
    EXPECT_EQ(cgroup_headroom("4294967296\n", "1073741824\n"), 3 * kGiB);
    EXPECT_EQ(cgroup_headroom("max\n", "1073741824\n"), std::nullopt);
    EXPECT_EQ(cgroup_headroom("1073741824\n", "2147483648\n"), 0);  // over its limit: nothing left
    EXPECT_EQ(cgroup_headroom("", "1"), std::nullopt);
}

TEST(WeightResidency, FindsTheMemoryControllersFiles) {
    using Files = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(cgroup_memory_files("0::/user.slice/app.scope\n"),
              (Files{{"/sys/fs/cgroup/user.slice/app.scope/memory.max", "/sys/fs/cgroup/user.slice/app.scope/memory.current"}}));
    EXPECT_EQ(cgroup_memory_files("0::/\n"), (Files{{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"}}));
    EXPECT_EQ(cgroup_memory_files("5:devices:/\n4:cpu,memory:/box/7\n0::/\n"),
              (Files{{"/sys/fs/cgroup/memory/box/7/memory.limit_in_bytes", "/sys/fs/cgroup/memory/box/7/memory.usage_in_bytes"},
                     {"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
                     {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"}}));
    EXPECT_TRUE(cgroup_memory_files("garbage\n:\n").empty());
}

// What this machine reports is a figure Auto can use: some memory, no more than exists.
TEST(WeightResidency, ThisMachineHasAvailableMemory) {
    const auto available = available_memory_bytes();
    ASSERT_TRUE(available.has_value());
    EXPECT_GT(*available, 0);
    EXPECT_LE(*available, 1LL << 50);
}

}  // namespace
}  // namespace facemix
