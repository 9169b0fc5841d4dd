#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/model_bundle.h"

namespace facemix {

// What a user may say about a model whose files do not say it themselves.
struct ImportOptions {
    std::optional<std::vector<std::string>> tokens;  // condition token names; the importer's default otherwise
    // Sizes that leave no trace in weight shapes, for files that come without a config. The defaults
    // are those of every SD v1 and CLIP ViT release; tiny or custom models must state theirs.
    std::int64_t attention_heads = 8;   // UNet heads per transformer
    std::int64_t unet_norm_groups = 32;
    std::int64_t vae_norm_groups = 32;
    std::int64_t clip_head_width = 64;
    std::optional<ClipActivation> clip_activation;  // QuickGELU (OpenAI) unless the file says otherwise
};

// A model on disk as the importers see it: a folder, or a single weight file whose tensors are read
// once and shared by every importer that looks at it.
class ModelSource {
public:
    explicit ModelSource(std::filesystem::path path);
    const std::filesystem::path& path() const { return path_; }
    bool is_folder() const;
    const TensorMap& tensors();  // InputError for folders and unreadable files

private:
    std::filesystem::path path_;
    std::optional<TensorMap> tensors_;
};

// One supported format: a weight format is one importer file and one line in the registry.
struct ModelImporter {
    std::string_view name;
    std::string_view description;
    bool (*recognises)(ModelSource& source);
    ModelBundle (*import)(ModelSource& source, const ImportOptions& options);
};

const std::vector<ModelImporter>& model_importers();

// Reads any supported model into a bundle, through the first importer that recognises it.
// Throws InputError naming the path when none does, listing what is supported.
ModelBundle import_model(const std::filesystem::path& path, const ImportOptions& options = {});

}  // namespace facemix
