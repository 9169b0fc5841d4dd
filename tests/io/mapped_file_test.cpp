#include "io/mapped_file.h"

#include "io/safetensors.h"
#include "support/test_data.h"

#include <fstream>
#include <unistd.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace facemix {
namespace {

double resident_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

TEST(MappedTensors, EqualTheCopiesAndOutliveTheFileObject) {
    test::TempDir dir;
    const auto path = dir.path() / "weights.safetensors";
    const TensorMap written = {{"a", at::randn({64, 33})}, {"b", at::randn({5}).to(at::kBFloat16)}, {"c", at::randn({3}).to(at::kHalf)}};
    write_safetensors(path, written);
    TensorMap mapped;
    {
        const SafetensorsFile file = SafetensorsFile::open(path);
        for (const auto& [name, tensor] : written) {
            mapped[name] = file.mapped_tensor(name);
            EXPECT_TRUE(at::equal(mapped[name], file.tensor(name))) << name;
        }
    }
    for (const auto& [name, tensor] : written) {
        EXPECT_EQ(mapped[name].scalar_type(), tensor.scalar_type()) << name;
        EXPECT_TRUE(at::equal(mapped[name], tensor)) << name << ": the mapping outlives the SafetensorsFile";
    }
    // A write changes the process's private page, never the model file.
    mapped["a"].mul_(2);
    EXPECT_TRUE(at::equal(mapped["a"], written.at("a") * 2));
    EXPECT_TRUE(at::equal(SafetensorsFile::open(path).tensor("a"), written.at("a")));
}

// The point of mapping: a weight costs memory only while it is read, and a network used once (the
// image encoder of a job) can hand its pages back. The file sits in the working directory (the build
// tree) rather than the temporary folder, which may be a tmpfs whose pages cannot be handed back.
TEST(MappedTensors, AreResidentOnlyOnceReadAndLeaveWhenReleased) {
    const auto path = std::filesystem::current_path() / "mapped_file_test_weights.safetensors";
    const at::Tensor big = at::arange(24 * 1024 * 1024, at::kFloat);  // 96 MiB
    write_safetensors(path, {{"big", big}});
    const double expected_sum = big.sum().item<double>();
    {
        const at::Tensor mapped = SafetensorsFile::open(path).mapped_tensor("big");
        const double before = resident_mib();
        EXPECT_DOUBLE_EQ(mapped.sum().item<double>(), expected_sum);
        const double read = resident_mib();
        EXPECT_GT(read - before, 80.0) << "reading the tensor brings its pages in";
        release_resident_pages(mapped);
        const double released = resident_mib();
        EXPECT_LT(released, read - 80.0) << "released pages leave the process";
        EXPECT_DOUBLE_EQ(mapped.sum().item<double>(), expected_sum) << "and are read again from the file";
        const at::Tensor ordinary = at::ones({1000});
        release_resident_pages(ordinary);
        EXPECT_EQ(ordinary.sum().item<double>(), 1000.0) << "anonymous memory is left alone";
    }
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace facemix
