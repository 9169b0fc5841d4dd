#include "bundle/model_bundle.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

constexpr const char* kManifestKey = "facemix";

struct Part {
    const char* prefix;
    TensorMap ModelBundle::*weights;
    bool present_in_manifest(const ModelManifest& m) const {
        const std::string p = prefix;
        if (p == "unet.") return m.unet.has_value();
        if (p == "vae.") return m.vae.has_value();
        if (p == "encoder.") return m.encoder.has_value();
        return m.face_projection.has_value();
    }
};
constexpr Part kParts[] = {{"unet.", &ModelBundle::unet},
                           {"vae.", &ModelBundle::vae},
                           {"encoder.", &ModelBundle::encoder},
                           {"face_projection.", &ModelBundle::face_projection}};

at::ScalarType scalar_type(WeightDType dtype) {
    switch (dtype) {
        case WeightDType::F16: return at::kHalf;
        case WeightDType::BF16: return at::kBFloat16;
        case WeightDType::F32: break;
    }
    return at::kFloat;
}

}  // namespace

WeightDType weight_dtype_from_name(const std::string& name) {
    if (name == "fp32") return WeightDType::F32;
    if (name == "fp16") return WeightDType::F16;
    if (name == "bf16") return WeightDType::BF16;
    throw InputError("unknown weight dtype '" + name + "' (use fp32, fp16 or bf16)");
}

void write_bundle(const std::filesystem::path& path, const ModelBundle& bundle, WeightDType dtype) {
    TensorMap all;
    for (const Part& part : kParts)
        for (const auto& [name, tensor] : bundle.*(part.weights))
            all.emplace(part.prefix + name, tensor.is_floating_point() ? tensor.to(scalar_type(dtype)) : tensor);
    write_safetensors(path, all, {{kManifestKey, manifest_to_json(bundle.manifest).dump()}});
}

bool is_facemix_bundle(const std::filesystem::path& path) {
    if (path.extension() != ".safetensors" || !std::filesystem::is_regular_file(path)) return false;
    try {
        return SafetensorsFile::open(path).metadata().count(kManifestKey) > 0;
    } catch (const InputError&) {
        return false;
    }
}

ModelBundle read_bundle(const std::filesystem::path& path) {
    const std::string what = path.string();
    const SafetensorsFile file = SafetensorsFile::open(path);
    const auto manifest_text = file.metadata().find(kManifestKey);
    if (manifest_text == file.metadata().end())
        throw InputError(what + " is a safetensors file without a facemix manifest (convert it with `facemix convert`)");
    nlohmann::json manifest_json;
    try {
        manifest_json = nlohmann::json::parse(manifest_text->second);
    } catch (const nlohmann::json::exception&) {
        throw InputError(what + ": the facemix manifest is not valid JSON");
    }
    ModelBundle bundle;
    bundle.manifest = manifest_from_json(manifest_json, what);
    for (const TensorEntry& entry : file.entries()) {
        const Part* owner = nullptr;
        for (const Part& part : kParts)
            if (entry.name.starts_with(part.prefix)) owner = &part;
        if (!owner) throw InputError(what + ": tensor '" + entry.name + "' belongs to no network (expected unet., vae., encoder. or face_projection.)");
        (bundle.*(owner->weights)).emplace(entry.name.substr(std::string(owner->prefix).size()), file.mapped_tensor(entry.name));
    }
    for (const Part& part : kParts) {
        const bool has_weights = !(bundle.*(part.weights)).empty();
        if (has_weights != part.present_in_manifest(bundle.manifest))
            throw InputError(what + ": the manifest and the weights disagree about the " +
                             std::string(part.prefix, std::string(part.prefix).size() - 1) + " network");
    }
    return bundle;
}

}  // namespace facemix
