#include "eval/trait_classifier.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/argmax.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/log_softmax.h>
#include <ATen/ops/max_pool2d.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/optim/adamw.h>

#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "io/json_integer.h"
#include "io/safetensors.h"
#include "train/synthetic_dataset.h"

namespace facemix {
namespace {

constexpr const char* kFormat = "facemix-trait-classifier";
constexpr int kVersion = 1;
constexpr int kHidden = 256;
constexpr int kMaxChannels = 128;
constexpr int kRenderSize = 64;

template <class Traits>
const TraitSpec<Traits>* find_spec(const std::vector<TraitSpec<Traits>>& specs, const std::string& name) {
    for (const auto& spec : specs)
        if (spec.name == name) return &spec;
    return nullptr;
}

template <class Traits>
double majority_share(const TraitSpec<Traits>& spec) {
    if (spec.weights.empty()) return 1.0 / static_cast<double>(spec.max - spec.min + 1);
    const int total = std::accumulate(spec.weights.begin(), spec.weights.end(), 0);
    return static_cast<double>(*std::max_element(spec.weights.begin(), spec.weights.end())) / total;
}

template <class Traits>
void add_categorical(std::vector<ClassifiedTrait>& out, const std::vector<TraitSpec<Traits>>& specs, TraitGroup group) {
    for (const auto& spec : specs) {
        if (spec.categories.empty()) continue;
        ClassifiedTrait trait;
        trait.name = std::string(spec.name);
        trait.group = group;
        for (const auto& category : spec.categories) trait.classes.emplace_back(category);
        trait.chance = majority_share(spec);
        if (trait.name == "hair_colour") trait.hidden_by = "hair_style";  // bald
        if (trait.name == "hat_colour") trait.hidden_by = "hat";
        if (trait.name == "glasses_colour") trait.hidden_by = "glasses";
        if (trait.name == "background_colour2") trait.hidden_by = "background_pattern";
        out.push_back(std::move(trait));
    }
}

int scene_value(const std::string& name, const SceneTraits& scene) {
    return scene.*(find_spec(scene_trait_specs(), name)->member);
}

std::string config_json(const TraitClassifierConfig& config) {
    nlohmann::json json;
    json["resolution"] = config.resolution;
    json["width"] = config.width;
    json["steps"] = config.steps;
    json["batch"] = config.batch;
    json["lr"] = config.lr;
    json["weight_decay"] = config.weight_decay;
    json["data_seed"] = config.data_seed;
    json["seed"] = config.seed;
    return json.dump();
}

TraitClassifierConfig config_from_json(const std::string& text, const std::filesystem::path& path) {
    try {
        const auto json = nlohmann::json::parse(text);
        TraitClassifierConfig config;
        const std::string what = path.string() + "'s trait classifier config";
        config.resolution = json_whole_number<int>(json, "resolution", what, 8, 64);
        config.width = json_whole_number<int>(json, "width", what, 1, 128);
        config.steps = json_whole_number<std::int64_t>(json, "steps", what, 0, 100'000'000);
        config.batch = json_whole_number<std::int64_t>(json, "batch", what, 1, 4096);
        config.lr = json.at("lr").get<double>();
        config.weight_decay = json.at("weight_decay").get<double>();
        const auto any_seed = std::numeric_limits<std::uint64_t>::max();
        config.data_seed = json_whole_number<std::uint64_t>(json, "data_seed", what, 0, any_seed);
        config.seed = json_whole_number<std::uint64_t>(json, "seed", what, 0, any_seed);
        return config;
    } catch (const nlohmann::json::exception&) {
        throw InputError(path.string() + " holds an unreadable trait classifier config.");
    }
}

std::string trait_names() {
    std::string names;
    for (const auto& trait : classified_traits()) names += (names.empty() ? "" : ",") + trait.name;
    return names;
}

void validate(const TraitClassifierConfig& config) {
    if (config.resolution < 8 || config.resolution > 64 || (config.resolution & (config.resolution - 1)) != 0)
        throw InputError("The trait classifier's resolution must be 8, 16, 32 or 64 px.");
    if (config.width < 1 || config.width > kMaxChannels) throw InputError("The trait classifier's width must be 1 to 128.");
    if (config.steps < 0 || config.batch < 1) throw InputError("The trait classifier needs steps >= 0 and a batch >= 1.");
}

// Images to [N, 3, R, R] in [-1, 1], each shrunk to the classifier's resolution the way cells are.
at::Tensor to_input(const std::vector<cv::Mat>& images, int resolution) {
    std::vector<at::Tensor> tensors;
    tensors.reserve(images.size());
    for (const cv::Mat& image : images) {
        if (image.empty() || image.type() != CV_8UC3 || image.rows != image.cols)
            throw InputError("The trait classifier takes square 8-bit colour images.");
        cv::Mat sized;
        if (image.rows == resolution) sized = image;
        else cv::resize(image, sized, {resolution, resolution}, 0, 0, image.rows > resolution ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::Mat floats;
        sized.convertTo(floats, CV_32FC3, 1.0 / 127.5, -1.0);
        tensors.push_back(at::from_blob(floats.data, {resolution, resolution, 3}, at::kFloat).permute({2, 0, 1}).clone());
    }
    return at::stack(tensors, 0);
}

// Renders images on every core: render_face is the cost of a training step.
std::vector<cv::Mat> render_views(const std::vector<std::pair<IdentityTraits, SceneTraits>>& traits, int resolution) {
    std::vector<cv::Mat> images(traits.size());
    const std::size_t workers = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w)
        threads.emplace_back([&, w] {
            for (std::size_t i = w; i < traits.size(); i += workers) images[i] = synthetic_view(traits[i].first, traits[i].second, resolution);
        });
    for (auto& thread : threads) thread.join();
    return images;
}


}  // namespace

int ClassifiedTrait::label(const IdentityTraits& identity, const SceneTraits& scene) const {
    if (group == TraitGroup::Identity) {
        const auto* spec = find_spec(identity_trait_specs(), name);
        return identity.*(spec->member) - spec->min;
    }
    const auto* spec = find_spec(scene_trait_specs(), name);
    return scene.*(spec->member) - spec->min;
}

bool ClassifiedTrait::visible(const SceneTraits& scene) const {
    return hidden_by.empty() || scene_value(hidden_by, scene) != 0;
}

const std::vector<ClassifiedTrait>& classified_traits() {
    static const std::vector<ClassifiedTrait> traits = [] {
        std::vector<ClassifiedTrait> out;
        add_categorical(out, identity_trait_specs(), TraitGroup::Identity);
        add_categorical(out, scene_trait_specs(), TraitGroup::Scene);
        return out;
    }();
    return traits;
}

cv::Mat synthetic_view(const IdentityTraits& identity, const SceneTraits& scene, int resolution) {
    if (resolution >= kRenderSize) return render_face(identity, scene, resolution);
    cv::Mat small;
    cv::resize(render_face(identity, scene, kRenderSize), small, {resolution, resolution}, 0, 0, cv::INTER_AREA);
    return small;
}

std::uint64_t held_out_synthetic_seed(std::uint64_t data_seed) { return data_seed + 1'000'003; }

struct TraitClassifier::State {
    TraitClassifierConfig config;
    std::vector<std::string> names;  // conv0.weight, conv0.bias, ..., hidden.weight, hidden.bias, heads.weight, heads.bias
    std::vector<at::Tensor> params;
    std::int64_t stages = 0;
    std::int64_t logits = 0;  // all heads' classes, concatenated

    explicit State(TraitClassifierConfig c) : config(c) {
        validate(config);
        for (const auto& trait : classified_traits()) logits += static_cast<std::int64_t>(trait.classes.size());
        while ((config.resolution >> stages) > 4) ++stages;
        // He-uniform weights (the layers feed ReLUs), zero biases, all from one seeded generator.
        at::Generator generator = at::detail::createCPUGenerator(config.seed);
        const auto add = [&](const std::string& name, std::vector<std::int64_t> shape, std::int64_t fan_in) {
            const double bound = std::sqrt(6.0 / static_cast<double>(fan_in));
            names.push_back(name + ".weight");
            params.push_back((at::rand(shape, generator) * 2 - 1) * bound);
            names.push_back(name + ".bias");
            params.push_back(at::zeros({shape[0]}));
        };
        std::int64_t in = 3;
        for (std::int64_t s = 0; s < stages; ++s) {
            const std::int64_t out = std::min<std::int64_t>(static_cast<std::int64_t>(config.width) << s, kMaxChannels);
            add("conv" + std::to_string(s), {out, in, 3, 3}, in * 9);
            in = out;
        }
        const std::int64_t side = config.resolution >> stages;
        add("hidden", {kHidden, in * side * side}, in * side * side);
        add("heads", {logits, kHidden}, kHidden);
    }

    at::Tensor forward(const at::Tensor& input) const {
        at::Tensor x = input;
        for (std::int64_t s = 0; s < stages; ++s)
            x = at::max_pool2d(at::relu(at::conv2d(x, params[2 * s], params[2 * s + 1], 1, 1)), 2);
        x = at::relu(at::linear(x.flatten(1), params[2 * stages], params[2 * stages + 1]));
        return at::linear(x, params[2 * stages + 2], params[2 * stages + 3]);
    }

    TensorMap weights() const {
        TensorMap map;
        for (std::size_t i = 0; i < names.size(); ++i) map.emplace(names[i], params[i].detach().clone());
        return map;
    }
};

TraitClassifier::TraitClassifier(TraitClassifierConfig config) : state_(std::make_unique<State>(config)) {}
TraitClassifier::~TraitClassifier() = default;
TraitClassifier::TraitClassifier(TraitClassifier&&) noexcept = default;
TraitClassifier& TraitClassifier::operator=(TraitClassifier&&) noexcept = default;

const TraitClassifierConfig& TraitClassifier::config() const { return state_->config; }

TraitClassifier TraitClassifier::load(const std::filesystem::path& path) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    const auto& meta = file.metadata();
    const auto field = [&](const char* key) -> std::string {
        const auto found = meta.find(key);
        return found == meta.end() ? std::string() : found->second;
    };
    if (field("format") != kFormat || field("version") != std::to_string(kVersion))
        throw InputError(path.string() + " is not a facemix trait classifier of version " + std::to_string(kVersion) + ".");
    if (field("synthetic_face_version") != std::to_string(kSyntheticFaceVersion) || field("traits") != trait_names())
        throw InputError(path.string() + " was trained on another version of the synthetic faces.");
    TraitClassifier classifier(config_from_json(field("config"), path));
    State& s = *classifier.state_;
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        const TensorEntry* entry = file.find(s.names[i]);
        if (entry == nullptr) throw InputError(path.string() + " lacks \"" + s.names[i] + "\".");
        const at::Tensor tensor = file.tensor(s.names[i]).to(at::kFloat);
        if (!tensor.sizes().equals(s.params[i].sizes()))
            throw InputError(path.string() + ": \"" + s.names[i] + "\" has the wrong shape for its config.");
        s.params[i] = tensor.contiguous();
    }
    return classifier;
}

void TraitClassifier::save(const std::filesystem::path& path) const {
    TensorMetadata meta;
    meta["format"] = kFormat;
    meta["version"] = std::to_string(kVersion);
    meta["config"] = config_json(state_->config);
    meta["synthetic_face_version"] = std::to_string(kSyntheticFaceVersion);
    meta["traits"] = trait_names();
    write_safetensors(path, state_->weights(), meta);
}

void TraitClassifier::train(const Progress& progress, std::stop_token stop) {
    const OneIntraOpThread one_thread;
    State& s = *state_;
    s = State(s.config);  // fresh weights: a run is a function of the config alone
    for (auto& param : s.params) param.set_requires_grad(true);
    torch::optim::AdamW optimizer(s.params, torch::optim::AdamWOptions(s.config.lr).weight_decay(s.config.weight_decay));
    const auto& traits = classified_traits();
    const auto batch = static_cast<std::size_t>(s.config.batch);
    for (std::int64_t step = 0; step < s.config.steps; ++step) {
        if (stop.stop_requested()) throw Cancelled();
        std::vector<std::pair<IdentityTraits, SceneTraits>> drawn(batch);
        for (std::size_t i = 0; i < batch; ++i) {
            const std::int64_t identity = step * s.config.batch + static_cast<std::int64_t>(i);
            drawn[i] = {synthetic_identity(s.config.data_seed, identity), synthetic_scene(s.config.data_seed, identity, 0)};
        }
        const at::Tensor input = to_input(render_views(drawn, s.config.resolution), s.config.resolution);
        const at::Tensor logits = s.forward(input);
        at::Tensor loss = at::zeros({});
        std::int64_t offset = 0;
        for (const auto& trait : traits) {
            const auto classes = static_cast<std::int64_t>(trait.classes.size());
            std::vector<std::int64_t> labels(batch);
            std::vector<float> shown(batch);
            for (std::size_t i = 0; i < batch; ++i) {
                labels[i] = trait.label(drawn[i].first, drawn[i].second);
                shown[i] = trait.visible(drawn[i].second) ? 1.0F : 0.0F;
            }
            const at::Tensor log_p = at::log_softmax(logits.slice(1, offset, offset + classes), 1);
            const at::Tensor nll = -log_p.gather(1, at::tensor(labels, at::kLong).unsqueeze(1)).squeeze(1);
            const at::Tensor mask = at::tensor(shown, at::kFloat);
            loss = loss + (nll * mask).sum() / mask.sum().clamp_min(1);
            offset += classes;
        }
        loss = loss / static_cast<double>(traits.size());
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        if (progress) progress(step + 1, s.config.steps, loss.item<double>());
    }
    for (auto& param : s.params) param = param.detach();
}

std::vector<std::vector<int>> TraitClassifier::classify(const std::vector<cv::Mat>& images) const {
    if (images.empty()) return {};
    const OneIntraOpThread one_thread;
    at::NoGradGuard no_grad;
    const at::Tensor logits = state_->forward(to_input(images, state_->config.resolution));
    std::vector<std::vector<int>> classes(images.size());
    std::int64_t offset = 0;
    for (const auto& trait : classified_traits()) {
        const auto count = static_cast<std::int64_t>(trait.classes.size());
        const at::Tensor best = logits.slice(1, offset, offset + count).argmax(1).contiguous();
        const auto* values = best.data_ptr<std::int64_t>();
        for (std::size_t i = 0; i < images.size(); ++i) classes[i].push_back(static_cast<int>(values[i]));
        offset += count;
    }
    return classes;
}

std::vector<double> TraitClassifier::held_out_accuracy(std::int64_t count) const {
    const auto& traits = classified_traits();
    const std::uint64_t seed = held_out_synthetic_seed(state_->config.data_seed);
    std::vector<std::int64_t> right(traits.size(), 0), seen(traits.size(), 0);
    constexpr std::int64_t kChunk = 128;
    for (std::int64_t first = 0; first < count; first += kChunk) {
        std::vector<std::pair<IdentityTraits, SceneTraits>> drawn;
        for (std::int64_t n = first; n < std::min(count, first + kChunk); ++n)
            drawn.emplace_back(synthetic_identity(seed, n), synthetic_scene(seed, n, 1));  // render 1: not an eval source's scene
        const auto predicted = classify(render_views(drawn, state_->config.resolution));
        for (std::size_t i = 0; i < drawn.size(); ++i)
            for (std::size_t t = 0; t < traits.size(); ++t) {
                if (!traits[t].visible(drawn[i].second)) continue;
                ++seen[t];
                right[t] += predicted[i][t] == traits[t].label(drawn[i].first, drawn[i].second) ? 1 : 0;
            }
    }
    std::vector<double> accuracy(traits.size());
    for (std::size_t t = 0; t < traits.size(); ++t)
        accuracy[t] = seen[t] > 0 ? static_cast<double>(right[t]) / static_cast<double>(seen[t]) : 0.0;
    return accuracy;
}

TraitClassifier load_or_train_trait_classifier(const std::filesystem::path& cache, const TraitClassifierConfig& config,
                                               const TraitClassifier::Progress& progress, std::stop_token stop) {
    if (std::filesystem::exists(cache)) {
        try {
            TraitClassifier cached = TraitClassifier::load(cache);
            if (cached.config() == config) return cached;
        } catch (const InputError&) {
            // Another version or a damaged file: it is only a cache, so it is trained again below.
        }
    }
    TraitClassifier classifier(config);
    classifier.train(progress, stop);
    if (!cache.parent_path().empty()) std::filesystem::create_directories(cache.parent_path());
    classifier.save(cache);
    return classifier;
}

}  // namespace facemix
