#pragma once

#include <filesystem>

#include "common/one_intra_op_thread.h"
#include "eval/trait_classifier.h"

namespace facemix::test {

// The eval tests' classifier at the tiny bundle's 32 px: a short training that learns the large traits
// (skin, hair, clothes, backdrop) and little of the small ones. ctest runs every test in its own
// process, so the trained weights are kept in a cache file under the temp dir (training is deterministic
// on one thread, so any process may reuse what another wrote).
inline TraitClassifierConfig test_classifier_config() {
    TraitClassifierConfig config;
    config.resolution = 32;
    config.width = 16;
    config.steps = 400;
    config.batch = 32;
    config.lr = 2e-3;
    config.data_seed = 21;
    config.seed = 3;
    return config;
}


inline const TraitClassifier& trained_test_classifier() {
    static const TraitClassifier classifier = [] {
        const OneIntraOpThread one_thread;
        return load_or_train_trait_classifier(std::filesystem::temp_directory_path() / "facemix-test-trait-classifier-v1.safetensors",
                                              test_classifier_config());
    }();
    return classifier;
}

}  // namespace facemix::test
