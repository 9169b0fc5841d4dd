#include "io/mapped_file.h"

#include "io/safetensors.h"
#include "support/resident_pages.h"
#include "support/test_data.h"

#include <algorithm>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

namespace facemix {
namespace {

// The fraction of the tensor's pages in memory (mincore asks the page cache for a file mapping, whether
// or not this process maps the page now).
double cached_fraction(const at::Tensor& tensor) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(tensor.data_ptr()) / page * page;
    const auto end = reinterpret_cast<std::uintptr_t>(tensor.data_ptr()) + tensor.nbytes();
    std::vector<unsigned char> in_memory((end - begin + page - 1) / page);
    if (::mincore(reinterpret_cast<void*>(begin), end - begin, in_memory.data()) != 0) return 0.0;
    return static_cast<double>(std::count_if(in_memory.begin(), in_memory.end(), [](unsigned char bit) { return bit & 1; })) /
           static_cast<double>(in_memory.size());
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

// Releasing must not undo a write: a page the process wrote to is its only copy of those values.
TEST(MappedTensors, KeepWhatWasWrittenWhenReleased) {
    const auto path = std::filesystem::current_path() / "mapped_file_test_written.safetensors";
    const at::Tensor values = at::arange(4 * 1024 * 1024, at::kFloat);  // 16 MiB, whole pages inside
    write_safetensors(path, {{"values", values}});
    {
        const at::Tensor mapped = SafetensorsFile::open(path).mapped_tensor("values");
        mapped.narrow(0, 2 * 1024 * 1024, 1024).fill_(-1.0f);  // one page-sized run, in the middle
        release_resident_pages(mapped);
        at::Tensor expected = values.clone();
        expected.narrow(0, 2 * 1024 * 1024, 1024).fill_(-1.0f);
        EXPECT_TRUE(at::equal(mapped, expected));
    }
    std::filesystem::remove(path);
}

// The point of mapping: a weight costs memory only while it is read, and a network used once (the
// image encoder of a job) can hand its pages back. The file sits in the working directory (the build
// tree) rather than the temporary folder, which may be a tmpfs whose pages cannot be handed back.
TEST(MappedTensors, AreResidentOnlyOnceReadAndLeaveWhenReleased) {
    const auto path = std::filesystem::current_path() / "mapped_file_test_weights.safetensors";
    const at::Tensor big = at::arange(24 * 1024 * 1024, at::kFloat);  // 96 MiB
    write_safetensors(path, {{"big", big}});
    {  // clean pages, as a model long on disk has: the kernel may evict those at will
        const int fd = ::open(path.c_str(), O_RDONLY);
        ASSERT_GE(fd, 0);
        ::fdatasync(fd);
        ::close(fd);
    }
    const double expected_sum = big.sum().item<double>();
    {
        const at::Tensor mapped = SafetensorsFile::open(path).mapped_tensor("big");
        const double before = test::resident_mib();
        EXPECT_DOUBLE_EQ(mapped.sum().item<double>(), expected_sum);
        const double read = test::resident_mib();
        EXPECT_GT(read - before, 80.0) << "reading the tensor brings its pages in";
        release_resident_pages(mapped);
        EXPECT_GT(cached_fraction(mapped), 0.9) << "released pages stay in the page cache: touching them again reads no disk";
        const double released = test::resident_mib();
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
