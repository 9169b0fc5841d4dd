#include "bundle/model_importer.h"

#include "bundle/importers.h"
#include "common/error.h"
#include "io/weight_file.h"

namespace facemix {

ModelSource::ModelSource(std::filesystem::path path) : path_(std::move(path)) {}

bool ModelSource::is_folder() const { return std::filesystem::is_directory(path_); }

const TensorMap& ModelSource::tensors() {
    if (is_folder()) throw InputError(path_.string() + " is a folder, not a weight file");
    if (!tensors_) tensors_ = read_weight_file(path_);
    return *tensors_;
}

const std::vector<ModelImporter>& model_importers() {
    static const std::vector<ModelImporter> importers = {
        kFacemixBundleImporter,
        kDiffusersFolderImporter,
        kLdmCheckpointImporter,
        kClipVisionImporter,
    };
    return importers;
}

ModelBundle import_model(const std::filesystem::path& path, const ImportOptions& options) {
    if (!std::filesystem::exists(path)) throw InputError(path.string() + ": no such file or folder");
    ModelSource source(path);
    for (const ModelImporter& importer : model_importers())
        if (importer.recognises(source)) return importer.import(source, options);
    std::string supported;
    for (const ModelImporter& importer : model_importers()) supported += "; " + std::string(importer.description);
    throw InputError(path.string() + " is not a model facemix can read (supported" + supported + ")");
}

Provenance provenance_for(const ModelSource& source, std::string_view format) {
    return {source.path().filename().string(), std::string(format), std::string("facemix ") + FACEMIX_VERSION, ""};
}

std::vector<std::string> tokens_or(const ImportOptions& options, std::vector<std::string> defaults) {
    return options.tokens ? *options.tokens : defaults;
}

}  // namespace facemix
