#include "support/tiny_training.h"

#include <gtest/gtest.h>

#include "mix/mix_engine.h"
#include "support/test_data.h"
#include "train/synthetic_dataset.h"

namespace facemix::test {

const std::filesystem::path& tiny_dataset() {
    static TempDir folder;
    static const bool written = [] {
        SyntheticDatasetOptions options;
        options.output = folder.path();
        options.identities = 6;
        options.renders = 3;
        options.seed = 5;
        options.size = 64;
        write_synthetic_dataset(options);
        return true;
    }();
    (void)written;
    return folder.path();
}

TrainConfig tiny_config(std::int64_t steps) {
    TrainConfig config;
    config.architecture = tiny_pixel_manifest(16);
    config.steps = steps;
    config.batch = 8;
    config.lr = 3e-3;
    config.warmup = 5;
    config.ema_decay = 0.9;
    config.cond_dropout = 0.1;
    config.retrieval_p = 0.5;
    config.holdout_identities = 2;
    config.sample_every = 0;
    config.sample_steps = 3;
    config.checkpoint_every = 0;
    config.seed = 11;
    return config;
}

cv::Mat mix_one_cell(const ModelBundle& bundle, const FacePairDataset& data) {
    MixEngine engine(bundle, "model", ComputeTarget{});
    MixJob job;
    job.faces.push_back({data.file(12), data.file(12), 0, data.image_bgr(12)});
    job.backgrounds.push_back({data.file(15), data.file(15), 0, data.image_bgr(15)});
    job.settings.steps = 5;
    job.cells = grid_cells(1, 1, 3, SeedPolicy::Fixed);
    std::vector<CellResult> cells;
    engine.run(job, {[&](const CellResult& cell) { cells.push_back(cell); }, {}}, std::stop_token());
    EXPECT_EQ(cells.size(), 1u);
    if (cells.empty()) return {};
    EXPECT_TRUE(cells.front().ok()) << cells.front().error;
    return cells.front().image;
}

}  // namespace facemix::test
