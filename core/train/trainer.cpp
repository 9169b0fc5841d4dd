#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/zeros.h>
#include <nlohmann/json.hpp>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>

#include "bundle/model_hash.h"
#include "bundle/model_networks.h"
#include "bundle/random_bundle.h"
#include "common/error.h"
#include "diffusion/noise_schedule.h"
#include "io/atomic_file.h"
#include "io/png_file.h"
#include "io/safetensors.h"
#include "mix/condition_tokens.h"
#include "mix/job_files.h"
#include "mix/mix_engine.h"
#include "nn/clip_vision.h"
#include "nn/descriptor_projection.h"
#include "nn/load_weights.h"
#include "nn/unet.h"
#include "train/autocast_scope.h"
#include "train/latent_cache.h"
#include "train/latent_target.h"
#include "train/fused_adamw.h"
#include "train/loss_plot.h"
#include "train/stream_seed.h"
#include "train/token_dropout.h"
#include "io/output_folder.h"

namespace facemix {
namespace {

constexpr const char* kStateFormat = "facemix-trainer-state";
constexpr int kStateVersion = 1;

// Independent random streams: which draw a seed is for.
enum Stream : std::uint64_t { kDataStream = 1, kNoiseStream = 2, kEvalDataStream = 3, kEvalNoiseStream = 4 };

// The config a resume must match: everything but the number of steps, which a resume may extend.
nlohmann::json resumable_part(const TrainConfig& config) {
    nlohmann::json json = train_config_to_json(config);
    json.erase("steps");
    json["architecture"].erase("provenance");
    // A sampling-only setting: a run made before it was switched on resumes into bundles that have it.
    json["architecture"]["schedule"].erase("clip_sample");
    return json;
}

}  // namespace

struct Trainer::State {
    ComputeTarget target;  // the weights stay fp32 there; a bf16 or fp16 target means autocast
    TrainConfig config;
    std::filesystem::path run;
    std::string command;
    FacePairDataset dataset;
    ModelManifest manifest;  // the architecture at the dataset's resolution
    std::vector<TokenSpec> layout;
    at::Tensor alphas_cumprod;  // [T] float32, on the target's device
    std::shared_ptr<UNet> unet;
    std::shared_ptr<ClipVisionModel> encoder;
    std::shared_ptr<DescriptorProjection> face_projection;  // null unless the face token is the descriptor's
    // Fine-tuning only: the frozen VAE and encoder (then `encoder` is null), the cache of their results,
    // and the model_hash of the init bundle a resume must match ("" from scratch).
    std::unique_ptr<LatentTarget> latent;
    std::unique_ptr<LatentCache> cache;
    std::string init_hash;
    std::vector<std::string> names;  // "unet.*", "encoder.*", "face_projection.*", one per entry of params
    std::vector<at::Tensor> params;
    std::vector<at::Tensor> ema;
    std::unique_ptr<FusedAdamW> optimizer;
    std::int64_t step = 0;
    double seconds_before = 0.0;  // training time of earlier sessions of this run
    std::chrono::steady_clock::time_point session_start = std::chrono::steady_clock::now();
    bool resumed = false;
    std::ofstream loss_csv;
    DataParallel parallel;
    BatchRows rows;  // this rank's rows of each global batch

    State(TrainConfig c, const std::filesystem::path& data, const std::filesystem::path& r, std::string cmd, ComputeTarget t)
        : target(t),
          config(std::move(c)),
          run(r),
          command(std::move(cmd)),
          dataset(data, config.architecture.native_resolution, config.holdout_identities) {}

    double seconds() const {
        return seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start).count();
    }

    double lr_at(std::int64_t step_index) const {
        if (step_index < config.warmup) return config.lr * static_cast<double>(step_index + 1) / static_cast<double>(config.warmup);
        if (config.lr_schedule == "constant") return config.lr;
        const double progress = static_cast<double>(step_index - config.warmup) /
                                static_cast<double>(std::max<std::int64_t>(1, config.steps - config.warmup));
        return config.lr * 0.5 * (1.0 + std::cos(std::numbers::pi * std::min(1.0, progress)));
    }

    // The condition tokens [B, N, D] of a batch, with gradients into the encoder. The encoder sees
    // every embedded part in one call.
    at::Tensor condition(const FacePairBatch& batch) {
        const std::int64_t b = batch.target.size(0), size = manifest.encoder->image_size;
        std::vector<at::Tensor> pixels;
        std::vector<std::size_t> embedded;
        std::vector<at::Tensor> tokens(layout.size(), at::zeros({b, manifest.unet->context_dim}, at::TensorOptions(target.device)));
        for (std::size_t k = 0; k < layout.size(); ++k) {
            if (layout[k].role == TokenRole::Unused) continue;
            if (layout[k].part == ImagePart::FaceIdentity) {
                tokens[k] = face_projection->forward(batch.face_descriptor);
                continue;
            }
            const at::Tensor& source = layout[k].role == TokenRole::Face ? batch.face_source : batch.target;
            pixels.push_back(clip_pixel_values(image_part(source, layout[k].part, manifest.conditioning), size));
            embedded.push_back(k);
        }
        const at::Tensor embeddings = encoder->forward(at::cat(pixels, 0));
        for (std::size_t i = 0; i < embedded.size(); ++i)
            tokens[embedded[i]] = embeddings.slice(0, static_cast<std::int64_t>(i) * b, static_cast<std::int64_t>(i + 1) * b);
        return at::stack(tokens, 1);
    }

    // Every draw happens on the CPU generator and moves to the device after, so a seed means the same
    // noise, timesteps and dropout on every device. The draws cover the whole batch and the loss only
    // `share` of its rows, so the ranks of a data-parallel run each take their share of one rank's batch.
    at::Tensor objective(const FacePairBatch& cpu_batch, std::uint64_t noise_seed, bool dropout, BatchRows share) {
        at::Generator generator = at::detail::createCPUGenerator(noise_seed);
        const std::int64_t b = cpu_batch.target.size(0);
        const c10::Device device = target.device;
        const auto mine = [&](const at::Tensor& whole) { return whole.slice(0, share.begin, share.end).to(device); };
        FacePairBatch batch = cpu_batch;
        batch.target = mine(cpu_batch.target);
        batch.face_source = mine(cpu_batch.face_source);
        if (cpu_batch.face_descriptor.defined()) batch.face_descriptor = mine(cpu_batch.face_descriptor);
        // A fine-tune denoises the frozen VAE's latent of the target, conditioned on the frozen encoder's
        // tokens (from the cache when there is one); from scratch, the pixels and the trained encoder's.
        at::Tensor x0 = batch.target, frozen_tokens;
        if (cache) {
            x0 = mine(cache->latents(cpu_batch));
            frozen_tokens = mine(cache->tokens(cpu_batch));
        } else if (latent) {
            x0 = latent->latents(batch.target);
            frozen_tokens = latent->tokens(batch.target, batch.face_source);
        }
        std::vector<std::int64_t> whole = x0.sizes().vec();
        whole[0] = b;
        const at::Tensor noise = mine(at::randn(whole, generator));
        const at::Tensor t = mine(at::randint(alphas_cumprod.size(0), {b}, generator));
        const at::Tensor u = at::rand({b}, generator);
        const at::Tensor keep = mine(dropout ? kept_tokens(u, layout, {config.cond_dropout, config.face_dropout, config.background_dropout})
                                             : at::ones({b, static_cast<std::int64_t>(layout.size()), 1}));
        const at::Tensor alpha = alphas_cumprod.index_select(0, t).view({share.size(), 1, 1, 1});
        const at::Tensor noisy = alpha.sqrt() * x0 + (1 - alpha).sqrt() * noise;
        at::Tensor predicted;
        {
            const AutocastScope mixed_precision(target);
            predicted = unet->forward(noisy, t, (frozen_tokens.defined() ? frozen_tokens : condition(batch)) * keep);
        }
        return (predicted.to(at::kFloat) - noise).pow(2).mean();
    }

    TensorMap network_weights(bool use_ema) const {
        TensorMap weights;
        const auto on_cpu = [](const at::Tensor& tensor) { return tensor.detach().to(c10::Device(c10::kCPU)).clone(); };
        for (const auto& [name, tensor] : module_weights(*unet)) weights.emplace("unet." + name, on_cpu(tensor));
        if (encoder)
            for (const auto& [name, tensor] : module_weights(*encoder)) weights.emplace("encoder." + name, on_cpu(tensor));
        if (latent) {
            // The init's own tensors, never modified: the bundle gets them bit for bit, in their dtype.
            for (const auto& [name, tensor] : latent->vae_weights()) weights.emplace("vae." + name, tensor);
            for (const auto& [name, tensor] : latent->encoder_weights()) weights.emplace("encoder." + name, tensor);
        }
        if (face_projection)
            for (const auto& [name, tensor] : module_weights(*face_projection)) weights.emplace("face_projection." + name, on_cpu(tensor));
        if (use_ema)
            for (std::size_t i = 0; i < names.size(); ++i) weights[names[i]] = on_cpu(ema[i]);
        return weights;
    }
};

std::filesystem::path Trainer::bundle_path(const std::filesystem::path& run) { return run / "model.safetensors"; }
std::filesystem::path Trainer::state_path(const std::filesystem::path& run) { return run / "trainer_state.safetensors"; }

Trainer::Trainer(TrainConfig config, const std::filesystem::path& data, const std::filesystem::path& run, std::string command,
                 ComputeTarget target, const TrainerOptions& options, DataParallel parallel) {
    if (options.init.empty() && !options.cache.empty())
        throw InputError("A latent cache (--cache) holds the frozen networks' work of a fine-tune; it needs --init BUNDLE.");
    if (options.init.empty()) validate_train_config(config, "The training config");
    else validate_train_recipe(config, "The training config");
    if (target.dtype == at::kHalf)
        throw InputError("Training in fp16 needs loss scaling, which facemix does not have yet; train in bf16 or fp32.");
    std::optional<ModelBundle> init;
    if (!options.init.empty()) {
        init = read_fine_tune_bundle(options.init);
        config.architecture = fine_tune_manifest(*init, options.init.string());
    }
    state_ = std::make_unique<State>(std::move(config), data, run, std::move(command), target);
    State& s = *state_;
    s.parallel = std::move(parallel);
    s.rows = batch_rows(s.config.batch, s.parallel.rank(), s.parallel.world_size());
    s.manifest = s.config.architecture;
    s.manifest.native_resolution = s.dataset.resolution();
    s.manifest.conditioning.both_dropout = s.config.cond_dropout;
    s.manifest.conditioning.face_dropout = s.config.face_dropout;
    s.manifest.conditioning.background_dropout = s.config.background_dropout;
    if (s.manifest.conditioning.face_from_descriptor() && !s.dataset.has_descriptors())
        throw InputError("Dataset " + data.string() + " has no descriptors.safetensors, which a model whose face token is "
                                                      "the dlib descriptor trains on; make the dataset with facemix prep.");
    std::int64_t factor = std::int64_t{1} << (s.manifest.unet->levels() - 1);
    if (s.manifest.vae) factor <<= s.manifest.vae->levels() - 1;
    if (s.dataset.resolution() % factor != 0)
        throw InputError("Dataset " + data.string() + " has " + std::to_string(s.dataset.resolution()) +
                         " px images; this model needs a multiple of " + std::to_string(factor) + ".");
    s.layout = token_layout(s.manifest.conditioning);
    const DiffusionSchedule schedule(s.manifest.schedule);
    s.alphas_cumprod = at::tensor(schedule.alphas_cumprod(), at::kDouble).to(at::kFloat).to(s.target.device);

    // Fresh weights are a pure function of the seed, a fine-tune starts from the init's UNet; a resume
    // overwrites them with the saved ones.
    const ModelNetworks networks =
        init ? build_networks(trainable_part(*init, s.manifest), options.init.string())
             : build_networks(random_bundle(s.manifest, s.config.seed), "the initial weights");
    s.unet = networks.unet;
    s.encoder = networks.encoder;
    s.face_projection = networks.face_projection;
    if (init) {
        s.latent = std::make_unique<LatentTarget>(*init, s.manifest, s.target);
        s.init_hash = model_hash(*init);
        if (!options.cache.empty()) s.cache = std::make_unique<LatentCache>(options.cache, s.dataset, *s.latent, s.config.flip);
    }
    s.unet->set_gradient_checkpointing(options.checkpointing);
    s.unet->to(s.target.device);
    if (s.encoder) s.encoder->to(s.target.device);
    if (s.face_projection) s.face_projection->to(s.target.device);
    for (const auto& item : s.unet->named_parameters()) {
        s.names.push_back("unet." + item.key());
        s.params.push_back(item.value());
    }
    // The encoder is frozen for inference (created without gradients); from scratch it learns with the UNet.
    if (s.encoder)
        for (const auto& item : s.encoder->named_parameters()) {
            s.names.push_back("encoder." + item.key());
            s.params.push_back(item.value());
        }
    if (s.face_projection)
        for (const auto& item : s.face_projection->named_parameters()) {
            s.names.push_back("face_projection." + item.key());
            s.params.push_back(item.value());
        }
    for (auto& param : s.params) param.set_requires_grad(true);
    s.unet->train();
    if (s.encoder) s.encoder->train();
    if (s.face_projection) s.face_projection->train();
    s.optimizer = std::make_unique<FusedAdamW>(
        s.params, torch::optim::AdamWOptions(s.config.lr).weight_decay(s.config.weight_decay));

    create_output_folder(run);
    const auto state_file = state_path(run);
    std::vector<std::string> kept_rows;
    if (std::filesystem::exists(state_file)) {
        const SafetensorsFile file = SafetensorsFile::open(state_file);
        const auto& meta = file.metadata();
        const auto field = [&](const char* key) {
            const auto found = meta.find(key);
            if (found == meta.end()) throw InputError(state_file.string() + " is not a facemix trainer state (no \"" + key + "\").");
            return found->second;
        };
        if (field("format") != kStateFormat || field("version") != std::to_string(kStateVersion))
            throw InputError(state_file.string() + " is not a facemix trainer state of version " + std::to_string(kStateVersion) + ".");
        if (nlohmann::json::parse(field("config")) != resumable_part(s.config))
            throw InputError(run.string() + " holds a run made with another training config; use a new run folder or "
                                            "the same config.");
        const auto saved_init = meta.find("init");  // absent in states of runs from scratch
        if ((saved_init == meta.end() ? std::string() : saved_init->second) != s.init_hash)
            throw InputError(run.string() + " holds a fine-tune of another bundle; use a new run folder or the same --init.");
        const TensorMap saved = file.read_all();
        const auto tensor = [&](const std::string& name) {
            const auto found = saved.find(name);
            if (found == saved.end()) throw InputError(state_file.string() + " lacks \"" + name + "\".");
            return found->second;
        };
        at::NoGradGuard no_grad;
        const std::int64_t adam_step = std::stoll(field("adam_step"));
        for (std::size_t i = 0; i < s.params.size(); ++i) {
            const at::Tensor param = tensor("param." + s.names[i]);
            if (param.sizes() != s.params[i].sizes())
                throw InputError(state_file.string() + ": \"" + s.names[i] + "\" has another shape than the network's.");
            s.params[i].copy_(param);
            s.ema.push_back(tensor("ema." + s.names[i]).to(at::kFloat).to(s.target.device).clone());
            if (saved.count("exp_avg." + s.names[i])) {
                auto moments = std::make_unique<torch::optim::AdamWParamState>();
                moments->step(adam_step);
                moments->exp_avg(tensor("exp_avg." + s.names[i]).to(s.target.device).clone());
                moments->exp_avg_sq(tensor("exp_avg_sq." + s.names[i]).to(s.target.device).clone());
                s.optimizer->state()[s.params[i].unsafeGetTensorImpl()] = std::move(moments);
            }
        }
        s.step = std::stoll(field("step"));
        s.seconds_before = std::stod(field("seconds"));
        s.resumed = true;
        // loss.csv keeps the rows up to the checkpoint: steps after it are trained again.
        std::ifstream old(run / "loss.csv");
        std::string line;
        while (std::getline(old, line)) {
            if (line.empty() || line.starts_with("step")) continue;
            if (std::stoll(line.substr(0, line.find(','))) <= s.step) kept_rows.push_back(line);
        }
    } else {
        for (const auto& param : s.params) s.ema.push_back(param.detach().clone());
    }
    // Every rank read the run folder; rank 0's weights are the ones all ranks start from.
    s.parallel.require_same(s.step, "the trainer state at step");
    s.parallel.broadcast(s.params);
    s.parallel.broadcast(s.ema);
    if (!s.parallel.is_main()) return;
    std::ostringstream kept;
    kept << "step,loss,lr,seconds\n";
    for (const auto& row : kept_rows) kept << row << "\n";
    write_file_atomic(run / "loss.csv", kept.str());
    s.loss_csv.open(run / "loss.csv", std::ios::app);
    write_file_atomic(run / "config.json", train_config_to_json(s.config).dump(2) + "\n");
}

Trainer::~Trainer() = default;

const TrainConfig& Trainer::config() const { return state_->config; }
const FacePairDataset& Trainer::dataset() const { return state_->dataset; }
std::int64_t Trainer::step() const { return state_->step; }
bool Trainer::resumed() const { return state_->resumed; }

TrainStepReport Trainer::train_step() {
    State& s = *state_;
    const TrainConfig& c = s.config;
    const auto micro_batches = static_cast<std::uint64_t>(c.grad_accumulation);
    double loss_sum = 0.0;
    for (std::uint64_t micro = 0; micro < micro_batches; ++micro) {
        const auto step_index = static_cast<std::uint64_t>(s.step);
        const FacePairBatch batch =
            s.dataset.sample(stream_seed(c.seed, kDataStream, step_index, micro), c.batch, c.retrieval_p, c.flip);
        const at::Tensor loss = s.objective(batch, stream_seed(c.seed, kNoiseStream, step_index, micro), true, s.rows) /
                                static_cast<double>(c.grad_accumulation);
        loss.backward();
        loss_sum += loss.item<double>();
    }
    s.parallel.average_gradients(s.params);
    loss_sum = s.parallel.average(loss_sum);
    // The norm of the whole step's gradient (all micro-batches and ranks in), the same on every rank.
    if (c.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(s.params, c.max_grad_norm);
    const double lr = s.lr_at(s.step);
    for (auto& group : s.optimizer->param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    s.optimizer->step();
    s.optimizer->zero_grad();
    {
        // EMA with the usual warm-up of its decay, so short runs are not dominated by the initial weights.
        at::NoGradGuard no_grad;
        const double decay = std::min(c.ema_decay, static_cast<double>(1 + s.step) / static_cast<double>(10 + s.step));
        for (std::size_t i = 0; i < s.params.size(); ++i) s.ema[i].lerp_(s.params[i].detach(), 1.0 - decay);
    }
    ++s.step;
    TrainStepReport report{s.step, c.steps, loss_sum, lr, s.seconds()};
    char row[128];
    std::snprintf(row, sizeof row, "%lld,%.7g,%.7g,%.3f\n", static_cast<long long>(report.step), report.loss, report.lr,
                  report.seconds);
    if (s.parallel.is_main()) s.loss_csv << row << std::flush;
    return report;
}

double Trainer::evaluation_loss(std::int64_t batch) const {
    State& s = *state_;
    at::NoGradGuard no_grad;
    const FacePairBatch fixed = s.dataset.sample(stream_seed(s.config.seed, kEvalDataStream, 0), batch, 0.0);
    return s.objective(fixed, stream_seed(s.config.seed, kEvalNoiseStream, 0), false, {0, batch}).item<double>();
}

TensorMap Trainer::weights() const { return state_->network_weights(false); }

ModelBundle Trainer::ema_bundle() const {
    const State& s = *state_;
    ModelBundle bundle;
    bundle.manifest = s.manifest;
    bundle.manifest.provenance = {"facemix train", "facemix-train", std::string("facemix ") + FACEMIX_VERSION,
                                  (s.command.empty() ? std::string("facemix train") : s.command) + " (step " +
                                      std::to_string(s.step) + ")"};
    for (auto& [name, tensor] : s.network_weights(true)) {
        const std::string network = name.substr(0, name.find('.'));
        TensorMap& weights = network == "unet"      ? bundle.unet
                             : network == "vae"     ? bundle.vae
                             : network == "encoder" ? bundle.encoder
                                                    : bundle.face_projection;
        weights.emplace(name.substr(network.size() + 1), tensor);
    }
    return bundle;
}

void Trainer::save_checkpoint() {
    State& s = *state_;
    TensorMap tensors;
    std::int64_t adam_step = 0;
    for (std::size_t i = 0; i < s.params.size(); ++i) {
        const auto on_cpu = [](const at::Tensor& tensor) { return tensor.detach().to(c10::Device(c10::kCPU)); };
        tensors.emplace("param." + s.names[i], on_cpu(s.params[i]));
        tensors.emplace("ema." + s.names[i], on_cpu(s.ema[i]));
        const auto found = s.optimizer->state().find(s.params[i].unsafeGetTensorImpl());
        if (found == s.optimizer->state().end()) continue;
        const auto& moments = static_cast<const torch::optim::AdamWParamState&>(*found->second);
        tensors.emplace("exp_avg." + s.names[i], on_cpu(moments.exp_avg()));
        tensors.emplace("exp_avg_sq." + s.names[i], on_cpu(moments.exp_avg_sq()));
        adam_step = moments.step();
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.17g", s.seconds());
    const TensorMetadata metadata{{"format", kStateFormat},
                                  {"version", std::to_string(kStateVersion)},
                                  {"step", std::to_string(s.step)},
                                  {"adam_step", std::to_string(adam_step)},
                                  {"seconds", seconds},
                                  {"config", resumable_part(s.config).dump()},
                                  {"init", s.init_hash}};
    // The bundle first: a state never points past the bundle beside it.
    write_bundle(bundle_path(s.run), ema_bundle());
    write_safetensors(state_path(s.run), tensors, metadata);
    write_png_atomic(s.run / "loss.png", plot_loss_curve(read_loss_csv(s.run / "loss.csv")));
}

std::filesystem::path Trainer::write_sample_grid() {
    State& s = *state_;
    const auto identities = s.dataset.validation_identities(2);
    std::vector<MixSource> faces, backgrounds;
    for (const auto& renders : identities) {
        const std::int64_t face = renders.front(), background = renders[std::min<std::size_t>(1, renders.size() - 1)];
        faces.push_back({s.dataset.file(face), s.dataset.file(face), 0, s.dataset.image_bgr(face)});
        backgrounds.push_back({s.dataset.file(background), s.dataset.file(background), 0, s.dataset.image_bgr(background)});
    }
    MixJob job;
    job.faces = faces;
    job.backgrounds = backgrounds;
    job.settings.steps = s.config.sample_steps;
    job.cells = grid_cells(faces.size(), backgrounds.size(), s.config.seed, SeedPolicy::Fixed);
    MixEngine engine(ema_bundle(), "training run", ComputeTarget{});
    std::vector<std::vector<std::optional<cv::Mat>>> cells(faces.size(), std::vector<std::optional<cv::Mat>>(backgrounds.size()));
    engine.run(job, {[&](const CellResult& cell) {
                         if (cell.ok()) cells[cell.request.row][cell.request.column] = cell.image;
                     },
                     {}},
               std::stop_token());
    std::vector<cv::Mat> face_thumbs, background_thumbs;
    for (const auto& source : faces) face_thumbs.push_back(source.aligned);
    for (const auto& source : backgrounds) background_thumbs.push_back(source.aligned);
    const int tile = static_cast<int>(std::max<std::int64_t>(64, s.dataset.resolution()));
    char name[64];
    std::snprintf(name, sizeof name, "step_%07lld.png", static_cast<long long>(s.step));
    const std::filesystem::path path = s.run / "samples" / name;
    create_output_folder(path.parent_path());
    write_contact_sheet(path, face_thumbs, background_thumbs, cells, "failed", tile);
    return path;
}

void Trainer::train(const TrainCallbacks& callbacks, std::stop_token stop) {
    State& s = *state_;
    const bool writes = s.parallel.is_main();  // the other ranks hold the same weights
    while (s.step < s.config.steps) {
        if (stop.stop_requested()) {
            if (writes) save_checkpoint();
            if (writes && callbacks.on_checkpoint) callbacks.on_checkpoint(bundle_path(s.run));
            throw Cancelled();
        }
        const TrainStepReport report = train_step();
        if (callbacks.on_step) callbacks.on_step(report);
        const bool last = s.step == s.config.steps;
        if (writes && (last || (s.config.checkpoint_every > 0 && s.step % s.config.checkpoint_every == 0))) {
            save_checkpoint();
            if (callbacks.on_checkpoint) callbacks.on_checkpoint(bundle_path(s.run));
        }
        if (writes && (last || (s.config.sample_every > 0 && s.step % s.config.sample_every == 0))) {
            const auto path = write_sample_grid();
            if (callbacks.on_sample) callbacks.on_sample(path);
        }
    }
}

}  // namespace facemix
