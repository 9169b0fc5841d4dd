#include "mix/recipe.h"

#include <bit>
#include <cstring>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/base64.h"
#include "io/json_error.h"
#include "io/json_integer.h"

namespace facemix {

namespace {

// A single photo's record has no weight or same_person fields, as before several photos of a person
// could be mixed, so older recipes read unchanged.
nlohmann::json source_json(const SourceRecord& source) {
    nlohmann::json json = {{"file", source.file}, {"image_hash", source.image_hash}, {"face_index", source.face_index},
                           {"aligned_hash", source.aligned_hash}};
    if (source.same_person.empty()) return json;
    json["weight"] = source.weight;
    nlohmann::json others = nlohmann::json::array();
    for (const auto& other : source.same_person) {
        nlohmann::json entry = source_json(other);
        entry["weight"] = other.weight;
        others.push_back(std::move(entry));
    }
    json["same_person"] = std::move(others);
    return json;
}

SourceRecord source_from(const nlohmann::json& json) {
    SourceRecord source{json.at("file"), json.at("image_hash"), json_integer<int>(json.at("face_index")), json.at("aligned_hash")};
    source.weight = json.value("weight", 1.0);
    if (const auto others = json.find("same_person"); others != json.end())
        for (const auto& other : *others) source.same_person.push_back(source_from(other));
    return source;
}

nlohmann::json blend_json(const BlendRecord& blend) {
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& source : blend.sources) sources.push_back(source_json(source));
    return {{"sources", sources}, {"t", blend.t}, {"method", blend.method}};
}

BlendRecord blend_from(const nlohmann::json& json) {
    BlendRecord blend;
    for (const auto& source : json.at("sources")) blend.sources.push_back(source_from(source));
    blend.t = json.at("t");
    blend.method = json.at("method");
    return blend;
}

nlohmann::json optional_json(const std::optional<double>& value) { return value ? nlohmann::json(*value) : nlohmann::json(); }

std::optional<double> optional_from(const nlohmann::json& json) {
    return json.is_null() ? std::nullopt : std::optional<double>(json.get<double>());
}

std::string encode_floats(const std::vector<float>& values) {
    static_assert(std::endian::native == std::endian::little, "recipes store little-endian float32");
    return base64_encode(reinterpret_cast<const std::uint8_t*>(values.data()), values.size() * sizeof(float));
}

std::vector<float> decode_floats(const std::string& text, const std::string& what) {
    const std::vector<std::uint8_t> bytes = base64_decode(text, what);
    if (bytes.size() % sizeof(float) != 0) throw InputError(what + " does not hold whole float32 values.");
    std::vector<float> values(bytes.size() / sizeof(float));
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

std::string sampler_display_name(const std::string& name) {
    static const std::map<std::string, std::string> names{{"ddim", "DDIM"},         {"plms", "PLMS"},
                                                          {"euler", "Euler"},       {"euler_a", "Euler a"},
                                                          {"dpmpp_2m", "DPM++ 2M"}, {"dpmpp_2m_karras", "DPM++ 2M Karras"}};
    const auto found = names.find(name);
    return found == names.end() ? name : found->second;
}

std::string describe(const BlendRecord& blend) {
    std::ostringstream out;
    for (std::size_t i = 0; i < blend.sources.size(); ++i)
        out << (i ? " → " : "") << blend.sources[i].file << " (face " << blend.sources[i].face_index + 1 << ")";
    if (blend.sources.size() > 1) out << " at " << blend.t << " " << blend.method;
    return out.str();
}

}  // namespace

nlohmann::json recipe_to_json(const Recipe& r) {
    const SamplingSettings& s = r.settings;
    nlohmann::json json{
        {"format", Recipe::kFormatVersion},
        {"facemix_version", r.facemix_version},
        {"torch_version", r.torch_version},
        {"model", {{"name", r.model_name}, {"hash", r.model_hash}}},
        {"face", blend_json(r.face)},
        {"background", blend_json(r.background)},
        {"token_weights", r.token_weights},
        {"seed", r.seed},
        {"sampling",
         {{"sampler", s.sampler}, {"steps", s.steps}, {"eta", s.eta}, {"spacing", s.spacing}, {"cfg_scale", s.cfg_scale},
          {"face_scale", optional_json(s.face_scale)}, {"background_scale", optional_json(s.background_scale)},
          {"resolution", s.resolution}, {"strength", s.strength}}},
        {"init", r.init ? source_json(*r.init) : nlohmann::json()},
        {"condition", {{"tokens", r.token_names}, {"float32_base64", encode_floats(r.condition)}}},
        {"device", r.device},
        {"precision", r.precision},
        {"batch_cells", r.batch_cells}};
    return json;
}

Recipe recipe_from_json(const nlohmann::json& json, const std::string& what) {
    try {
        if (!json.is_object() || !json.contains("format"))
            throw InputError(what + " carries no facemix recipe.");
        const int version = json_integer<int>(json.at("format"));
        if (version != Recipe::kFormatVersion)
            throw InputError(what + " carries a recipe of format " + std::to_string(version) + "; this facemix reads format " +
                             std::to_string(Recipe::kFormatVersion) + ".");
        Recipe r;
        r.facemix_version = json.at("facemix_version");
        r.torch_version = json.at("torch_version");
        r.model_name = json.at("model").at("name");
        r.model_hash = json.at("model").at("hash");
        r.face = blend_from(json.at("face"));
        r.background = blend_from(json.at("background"));
        r.token_weights = json.at("token_weights").get<std::vector<double>>();
        r.seed = json_integer<std::uint64_t>(json.at("seed"));
        const auto& s = json.at("sampling");
        r.settings.sampler = s.at("sampler");
        r.settings.steps = json_integer<std::int64_t>(s.at("steps"));
        r.settings.eta = s.at("eta");
        r.settings.spacing = s.at("spacing");
        r.settings.cfg_scale = s.at("cfg_scale");
        r.settings.face_scale = optional_from(s.at("face_scale"));
        r.settings.background_scale = optional_from(s.at("background_scale"));
        r.settings.resolution = json_integer<std::int64_t>(s.at("resolution"));
        r.settings.strength = s.at("strength");
        if (!json.at("init").is_null()) r.init = source_from(json.at("init"));
        r.token_names = json.at("condition").at("tokens").get<std::vector<std::string>>();
        r.condition = decode_floats(json.at("condition").at("float32_base64").get<std::string>(), "The condition in " + what);
        r.device = json.at("device");
        r.precision = json.at("precision");
        r.batch_cells = json_integer<std::size_t>(json.at("batch_cells"));
        if (r.batch_cells < 1 || r.batch_cells > 1024) throw InputError(what + "'s recipe names an impossible batch size.");
        if (r.token_names.empty() || r.condition.size() % r.token_names.size() != 0)
            throw InputError(what + "'s recipe has a condition that does not split into its tokens.");
        return r;
    } catch (const nlohmann::json::exception& error) {
        throw InputError(what + " carries a malformed facemix recipe (" + json_error_words(error) + ").");
    }
}

Recipe recipe_from_png_texts(const std::map<std::string, std::string>& texts, const std::string& what) {
    const auto found = texts.find("facemix");
    if (found == texts.end()) throw InputError(what + " carries no facemix recipe.");
    // A recipe nests six levels deep; reading one that nests thousands (same_person in same_person)
    // would recurse until the stack ran out, so the parse stops well before.
    constexpr int deepest_recipe = 16;
    const auto shallow = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        const bool opens = event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start;
        if (opens && depth > deepest_recipe) throw InputError(what + " carries a facemix recipe nested deeper than any recipe is.");
        return true;
    };
    const nlohmann::json json = nlohmann::json::parse(found->second, shallow, false);
    if (json.is_discarded()) throw InputError(what + " carries a facemix recipe that is not valid JSON.");
    return recipe_from_json(json, what);
}

std::string a1111_parameters(const Recipe& r, std::int64_t resolution) {
    const SamplingSettings& s = r.settings;
    std::ostringstream out;
    out << "face: " << describe(r.face) << ", background: " << describe(r.background) << "\n";
    out << "Steps: " << s.steps << ", Sampler: " << sampler_display_name(s.sampler) << ", CFG scale: " << s.cfg_scale;
    if (s.face_scale) out << ", Face CFG scale: " << *s.face_scale;
    if (s.background_scale) out << ", Background CFG scale: " << *s.background_scale;
    if (s.sampler == "ddim" && s.eta != 0.0) out << ", Eta: " << s.eta;
    out << ", Seed: " << r.seed << ", Size: " << resolution << "x" << resolution << ", Model hash: " << r.model_hash.substr(0, 10)
        << ", Model: " << r.model_name;
    if (r.init) out << ", Denoising strength: " << s.strength;
    out << ", Version: facemix " << r.facemix_version;
    return out.str();
}

}  // namespace facemix
