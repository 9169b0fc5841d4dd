#include "nn/resident_memory.h"

#include <filesystem>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>

#include "io/safetensors.h"
#include "nn/load_weights.h"
#include "support/resident_pages.h"

namespace facemix {
namespace {

// Freed blocks below glibc's mmap threshold stay resident in holes of the heap until handed back.
TEST(ResidentMemory, FreeHeapGoesBackToTheSystem) {
    // A large block freed once raises the threshold above 1 MiB, so the blocks below come from the
    // heap. Every other one is freed: the live ones keep the holes apart from each other and from the
    // heap's top, which free() itself would shrink.
    (void)at::empty({16 << 20}, at::kByte);
    std::vector<at::Tensor> blocks;
    for (int i = 0; i < 256; ++i) blocks.push_back(at::empty({1 << 20}, at::kByte).fill_(1));
    for (std::size_t i = 1; i < blocks.size(); i += 2) blocks[i] = at::Tensor();
    const double held = test::resident_mib();
    release_free_heap();
    const double released = test::resident_mib();
    EXPECT_GT(held - released, 100.0) << "128 MiB of freed blocks, " << held << " MiB resident before, " << released << " after";
}

// A network whose weights are mapped from its file: released, none of their pages stays in the process,
// and the next call reads them again and computes the same.
TEST(ResidentMemory, AReleasedNetworkLeavesItsWeightsInTheFileAndStillRuns) {
    const auto path = std::filesystem::current_path() / "resident_memory_test.safetensors";
    torch::nn::Linear written(1024, 1024);  // 4 MiB of weights: whole pages
    write_safetensors(path, module_weights(*written));
    {
        const SafetensorsFile file = SafetensorsFile::open(path);
        TensorMap mapped;
        for (const auto& name : {"weight", "bias"}) mapped[name] = file.mapped_tensor(name);
        torch::nn::Linear network(1024, 1024);
        load_weights(*network, mapped, "the test layer", WeightTransfer::Share);
        const at::Tensor input = at::randn({2, 1024});
        const at::Tensor before = network->forward(input);
        ASSERT_GT(test::mapped_pages(network->weight), 1000u) << "the call reads every weight";
        release_network_memory(*network);
        EXPECT_EQ(test::mapped_pages(network->weight), 0u);
        EXPECT_TRUE(at::equal(network->forward(input), before));
    }
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace facemix
