#include <new>
#include <stdexcept>

#include <c10/util/Exception.h>
#include <gtest/gtest.h>

#include "mix/cell_failure.h"

namespace facemix {
namespace {

ComputeTarget on(c10::Device device) {
    ComputeTarget target;
    target.device = device;
    return target;
}

const ComputeTarget kCpu = on(c10::Device(c10::kCPU));
const ComputeTarget kGpu = on(c10::Device(c10::kCUDA, 0));

// What LibTorch throws when CUDA's caching allocator gives up, with its multi-line advice.
c10::OutOfMemoryError cuda_out_of_memory() {
    return c10::OutOfMemoryError({__func__, __FILE__, static_cast<std::uint32_t>(__LINE__)},
                                 "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.1 GiB\n"
                                 "of which 1.2 GiB is free. If reserved but unallocated memory is large try setting ...");
}

TEST(CellFailure, AGpuOutOfMemoryAsksForFewerCellsOrTheCpu) {
    EXPECT_EQ(cell_failure_words(cuda_out_of_memory(), kGpu),
              "The GPU ran out of memory: mix fewer cells at a time, at a smaller size or in half precision, or on the CPU.");
}

TEST(CellFailure, TheCpuAllocatorsRefusalAndBadAllocAskForFewerCells) {
    const std::string words = "The computer ran out of memory: mix fewer cells at a time, at a smaller size or in bf16.";
    EXPECT_EQ(cell_failure_words(std::bad_alloc(), kCpu), words);
    const c10::Error refused({__func__, __FILE__, static_cast<std::uint32_t>(__LINE__)},
                             "[enforce fail at alloc_cpu.cpp:117] . DefaultCPUAllocator: can't allocate memory: you tried to "
                             "allocate 68719476736 bytes. Error code 12 (Cannot allocate memory)");
    EXPECT_EQ(cell_failure_words(refused, kCpu), words);
}

TEST(CellFailure, OtherErrorsKeepTheirFirstLine) {
    EXPECT_EQ(cell_failure_words(std::runtime_error("shapes do not match\nbacktrace: ..."), kCpu), "shapes do not match");
    EXPECT_EQ(cell_failure_words(std::runtime_error("one line"), kGpu), "one line");
}

}  // namespace
}  // namespace facemix
