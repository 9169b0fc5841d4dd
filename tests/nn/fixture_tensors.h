#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"

// Reading the golden fixtures written by tools/goldens/ (header-only: the test executable globs
// only *_test.cpp and support/).

namespace facemix::test {

inline std::filesystem::path fixture_path(const std::string& relative) {
    return std::filesystem::path(FACEMIX_FIXTURES_DIR) / relative;
}

inline TensorMap fixture_tensors(const std::string& relative) {
    return SafetensorsFile::open(fixture_path(relative)).read_all();
}

inline nlohmann::json fixture_json(const std::string& relative) {
    std::ifstream file(fixture_path(relative));
    return nlohmann::json::parse(file);
}

// The tensors whose names start with `prefix`, without it (a checkpoint's section, e.g. the UNet's).
inline TensorMap without_prefix(const TensorMap& weights, const std::string& prefix) {
    TensorMap section;
    for (const auto& [name, tensor] : weights)
        if (name.starts_with(prefix)) section.emplace(name.substr(prefix.size()), tensor);
    return section;
}

inline double max_abs_error(const at::Tensor& actual, const at::Tensor& expected) {
    return (actual.to(at::kDouble) - expected.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace facemix::test
