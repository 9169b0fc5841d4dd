#include "bundle/model_manifest.h"

#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"

#include <nlohmann/json.hpp>

namespace facemix {
namespace {

template <typename Config>
void put_optional(nlohmann::json& json, const char* key, const std::optional<Config>& config) {
    json[key] = config ? nlohmann::json(*config) : nlohmann::json(nullptr);
}

template <typename Config>
std::optional<Config> get_optional(const nlohmann::json& json, const char* key) {
    if (!json.contains(key) || json.at(key).is_null()) return std::nullopt;
    return json.at(key).get<Config>();
}

}  // namespace

nlohmann::json manifest_to_json(const ModelManifest& m) {
    nlohmann::json json;
    json["format"] = "facemix-bundle";
    json["format_version"] = ModelManifest::kFormatVersion;
    put_optional(json, "unet", m.unet);
    put_optional(json, "vae", m.vae);
    put_optional(json, "encoder", m.encoder);
    const Conditioning& c = m.conditioning;
    json["conditioning"] = {{"tokens", c.tokens},
                            {"face_box_512", {{"top", c.face_box.top}, {"bottom", c.face_box.bottom}, {"left", c.face_box.left}, {"right", c.face_box.right}}},
                            {"mask_value", c.mask_value},
                            {"unconditional", c.unconditional}};
    // Written only when they differ from what every earlier bundle had, so those manifests (and hashes) stay.
    if (c.face_token_source != "encoder") json["conditioning"]["face_token_source"] = c.face_token_source;
    if (c.face_dropout != 0 || c.background_dropout != 0 || c.both_dropout != 0)
        json["conditioning"]["training_dropout"] = {{"face", c.face_dropout}, {"background", c.background_dropout}, {"both", c.both_dropout}};
    if (m.face_projection) json["face_projection"] = *m.face_projection;
    const NoiseSchedule& s = m.schedule;
    json["schedule"] = {{"beta_schedule", s.beta_schedule}, {"beta_start", s.beta_start}, {"beta_end", s.beta_end},
                        {"train_timesteps", s.train_timesteps}, {"prediction", s.prediction}};
    // Written only when on, so the manifests (and hashes) of every bundle made before it stay the same.
    if (s.clip_sample) json["schedule"]["clip_sample"] = true;
    json["native_resolution"] = m.native_resolution;
    const Provenance& p = m.provenance;
    json["provenance"] = {{"source", p.source}, {"source_format", p.source_format}, {"converted_by", p.converted_by},
                          {"command", p.command}};
    return json;
}

void validate_face_token_source(const ModelManifest& m, const std::string& what) {
    if (m.conditioning.face_token_source != "encoder" && m.conditioning.face_token_source != "dlib-descriptor")
        throw InputError(what + ": the face token source \"" + m.conditioning.face_token_source +
                         "\" is neither \"encoder\" nor \"dlib-descriptor\"");
    if (m.conditioning.face_from_descriptor() != m.face_projection.has_value())
        throw InputError(what + ": a face token from the dlib descriptor needs a face_projection network, and only then");
}

ModelManifest manifest_from_json(const nlohmann::json& json, const std::string& what) {
    try {
        if (json.value("format", "") != "facemix-bundle")
            throw InputError(what + " is not a facemix bundle (its manifest has no \"format\": \"facemix-bundle\")");
        const int version = json_integer<int>(json.at("format_version"));
        if (version != ModelManifest::kFormatVersion)
            throw InputError(what + " is a facemix bundle of format version " + std::to_string(version) +
                             "; this facemix reads version " + std::to_string(ModelManifest::kFormatVersion));
        ModelManifest m;
        m.unet = get_optional<UNetConfig>(json, "unet");
        m.vae = get_optional<AutoencoderKLConfig>(json, "vae");
        m.encoder = get_optional<ClipVisionConfig>(json, "encoder");
        const auto& c = json.at("conditioning");
        m.conditioning.tokens = c.at("tokens").get<std::vector<std::string>>();
        const auto& box = c.at("face_box_512");
        const auto edge = [&box](const char* name) { return json_integer<std::int64_t>(box.at(name)); };
        m.conditioning.face_box = {edge("top"), edge("bottom"), edge("left"), edge("right")};
        if (!m.conditioning.face_box.valid())
            throw InputError(what + ": the face box is empty or reaches outside the 512 px aligned image");
        m.conditioning.mask_value = c.at("mask_value");
        m.conditioning.unconditional = c.at("unconditional");
        m.conditioning.face_token_source = c.value("face_token_source", "encoder");
        if (c.contains("training_dropout")) {
            const auto& d = c.at("training_dropout");
            m.conditioning.face_dropout = d.at("face");
            m.conditioning.background_dropout = d.at("background");
            m.conditioning.both_dropout = d.at("both");
        }
        m.face_projection = get_optional<DescriptorProjectionConfig>(json, "face_projection");
        validate_face_token_source(m, what);
        const auto& s = json.at("schedule");
        m.schedule.beta_schedule = s.at("beta_schedule");
        m.schedule.beta_start = s.at("beta_start");
        m.schedule.beta_end = s.at("beta_end");
        m.schedule.train_timesteps = json_integer<std::int64_t>(s.at("train_timesteps"));
        m.schedule.prediction = s.at("prediction");
        m.schedule.clip_sample = s.value("clip_sample", false);
        check_noise_schedule(m.schedule);
        m.native_resolution = json_integer<std::int64_t>(json.at("native_resolution"));
        const auto& p = json.at("provenance");
        m.provenance = {p.value("source", ""), p.value("source_format", ""), p.value("converted_by", ""), p.value("command", "")};
        if (m.conditioning.tokens.empty()) throw InputError(what + ": the manifest names no condition tokens");
        return m;
    } catch (const nlohmann::json::exception& error) {
        throw InputError(what + ": the bundle manifest is malformed (" + json_error_words(error) + ")");
    }
}

}  // namespace facemix
