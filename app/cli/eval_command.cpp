#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/interrupt.h"
#include "cli/job_output.h"
#include "cli/progress_bar.h"

#include "bundle/model_manifest.h"
#include "common/error.h"
#include "eval/heldout_dataset.h"
#include "eval/heldout_identity_evaluation.h"
#include "eval/mix_evaluation.h"
#include "eval/photo_identity_evaluation.h"
#include "eval/trait_classifier.h"
#include "io/atomic_file.h"
#include "io/content_hash.h"
#include "io/image_file.h"
#include "io/output_folder.h"

#include <nlohmann/json.hpp>

namespace facemix::cli {
namespace {

struct EvalArguments {
    GenerationArguments generation;
    std::string output_dir;
    std::size_t faces = 8;
    std::size_t backgrounds = 8;
    std::uint64_t synthetic_seed = 0;
    std::string classifier;  // empty = EVAL/trait_classifier.safetensors
    std::int64_t classifier_steps = TraitClassifierConfig{}.steps;
    std::int64_t ceiling_images = 512;
    std::vector<std::string> face_photos;        // real-photo mode when given
    std::vector<std::string> background_photos;
    std::string data;  // held-out people mode when given: a facemix prep dataset
    std::size_t photos_per_face = 1;  // held-out mode: face people mixed from this many photos (and from one, to compare)
    std::string command;
};

// The largest power of two the classifier can take that is no bigger than the cells (at most 64 px):
// cells are shrunk to it with INTER_AREA, as its training renders were.
int classifier_resolution(std::int64_t cells) {
    int resolution = 8;
    while (resolution * 2 <= std::min<std::int64_t>(cells, 64)) resolution *= 2;
    return resolution;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    write_file_atomic(path, std::string_view(text));
    std::cout << path.string() << "\n";
}

TraitClassifier classifier_for(const EvalArguments& args, int resolution, const std::filesystem::path& cache) {
    TraitClassifierConfig config;
    config.resolution = resolution;
    config.steps = args.classifier_steps;
    config.data_seed = args.synthetic_seed;
    ProgressBar bar(static_cast<std::size_t>(config.steps), "training the trait classifier");
    const auto start = std::chrono::steady_clock::now();
    bool trained = false;
    TraitClassifier classifier = load_or_train_trait_classifier(
        cache, config,
        [&](std::int64_t step, std::int64_t, double loss) {
            trained = true;
            char text[32];
            std::snprintf(text, sizeof text, "loss %.3f", loss);
            bar.update(static_cast<std::size_t>(step), text);
        },
        interrupt_token());
    bar.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << (trained ? "trained" : "reused") << " the trait classifier " << cache.string() << " (" << resolution << " px"
              << (trained ? ", " + std::to_string(static_cast<int>(seconds)) + " s" : std::string()) << ")\n";
    return classifier;
}

std::vector<std::string> source_names(const std::vector<MixSource>& sources) {
    std::vector<std::string> names;
    for (const auto& source : sources) names.push_back(source.file + (source.face_index > 0 ? "#" + std::to_string(source.face_index + 1) : ""));
    return names;
}

// Real photos: align, mix every pair, and compare each cell's face with both sources' by dlib descriptors.
int run_photo_eval(EvalArguments& args) {
    const auto start = std::chrono::steady_clock::now();
    if (args.face_photos.empty() || args.background_photos.empty())
        throw InputError("--face-photos and --background-photos go together: give both.");
    FaceDescriptor descriptor;  // a missing face-recognition model fails before anything is generated
    const auto engine = open_engine(args.generation);
    std::size_t failures = 0;
    const MixJob job = grid_job(args.generation, args.face_photos, args.background_photos, SeedPolicy::PerCell, failures);
    const std::filesystem::path folder(args.output_dir);
    JobOutput output(folder / "cells", job);
    const int code = output.run(*engine, interrupt_token());
    output.write_results_sheet("contact_sheet.png");
    if (code == kExitInterrupted) return code;

    std::vector<cv::Mat> faces, backgrounds;
    for (const auto& source : job.faces) faces.push_back(source.aligned);
    for (const auto& source : job.backgrounds) backgrounds.push_back(source.aligned);
    std::vector<EvaluatedCell> cells;
    for (const auto& result : output.results()) cells.push_back({result.request.row, result.request.column, result.image});
    std::cerr << "describing " << faces.size() + backgrounds.size() + cells.size() << " faces with dlib's ResNet\n";
    const PhotoIdentityEvaluation evaluation = evaluate_photo_cells(descriptor, faces, backgrounds, cells);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const std::string table = photo_evaluation_markdown(evaluation, source_names(job.faces), source_names(job.backgrounds));
    std::cout << "\n" << table << "\n";
    char header[512];
    std::snprintf(header, sizeof header, "# facemix eval (photos): %s\n\n%zu faces x %zu backgrounds; %s, %lld steps, CFG %.2f, seed %llu; %.1f s.\n\n",
                  engine->model_name().c_str(), job.faces.size(), job.backgrounds.size(), job.settings.sampler.c_str(),
                  static_cast<long long>(job.settings.steps), job.settings.cfg_scale,
                  static_cast<unsigned long long>(args.generation.seed), seconds);
    write_text(folder / "eval.md", header + table);
    write_text(folder / "eval.csv", photo_evaluation_csv(evaluation));
    write_image_atomic(folder / "eval.png", photo_evaluation_plot(evaluation, "facemix eval (photos): " + engine->model_name()));
    std::cout << (folder / "eval.png").string() << "\n";
    return failures > 0 && code == kExitOk ? kExitFailed : code;
}

// The manifest names where its face token comes from once bundles record it; a string compare on the
// JSON, so this reads the field whether or not ModelManifest has a member for it yet.
bool face_token_is_dlib_descriptor(const ModelManifest& manifest) {
    const nlohmann::json json = manifest_to_json(manifest);
    const auto conditioning = json.find("conditioning");
    if (conditioning == json.end() || !conditioning->is_object()) return false;
    const auto source = conditioning->find("face_token_source");
    return source != conditioning->end() && source->is_string() && source->get<std::string>() == "dlib-descriptor";
}

MixSource dataset_photo(const HeldoutDataset& dataset, std::int64_t row) {
    const std::filesystem::path path = dataset.folder() / dataset.file(row);
    return {path.filename().string(), file_content_hash(path), 0, dataset.image(row)};
}

// The person's source photo, with `photos` - 1 more of them as one several-photo source.
MixSource heldout_source(const HeldoutDataset& dataset, const HeldoutPerson& person, std::size_t photos) {
    MixSource source = dataset_photo(dataset, person.source);
    for (std::size_t i = 0; i + 1 < photos; ++i) source.same_person.push_back(dataset_photo(dataset, person.more_sources.at(i)));
    return source;
}

// Which photos of each person were mixed and which one the cells were compared with.
std::string people_table(const HeldoutDataset& dataset, const HeldoutChoice& choice, std::size_t photos_per_face) {
    std::string text = "| | person | mixed (source) | compared with (reference) |\n|---|---|---|---|\n";
    const auto rows = [&](const std::vector<HeldoutPerson>& people, const char* letter, std::size_t photos) {
        for (std::size_t i = 0; i < people.size(); ++i) {
            std::string mixed = dataset.file(people[i].source);
            for (std::size_t k = 0; k + 1 < photos; ++k) mixed += " + " + dataset.file(people[i].more_sources.at(k));
            text += "| " + std::string(letter) + std::to_string(i + 1) + " | " + people[i].name + " | " + mixed + " | " +
                    dataset.file(people[i].reference) + " |\n";
        }
    };
    rows(choice.faces, "P", photos_per_face);
    rows(choice.backgrounds, "Q", 1);
    return text;
}

// Generates a held-out job's cells into `cells` (a folder under the output), with a contact sheet of
// them when `sheet` names one, and scores them.
HeldoutFigures generate_and_score(const MixJob& job, MixEngine& engine, FaceDescriptor& recognizer, const std::filesystem::path& folder,
                                  const std::string& cells, const std::string& sheet, const std::vector<HeldoutPersonDescriptors>& face_people,
                                  const std::vector<HeldoutPersonDescriptors>& background_people, int& code) {
    create_output_folder(folder / cells);
    JobOutput output(folder, job, [&](const MixJob& j, const CellRequest& cell) { return cells + "/" + JobOutput::grid_cell_name(j, cell); });
    code = output.run(engine, interrupt_token());
    if (!sheet.empty()) output.write_results_sheet(sheet);
    if (code == kExitInterrupted) return {};
    std::cerr << "describing " << output.results().size() << " cells with dlib's ResNet\n";
    std::vector<HeldoutCellMeasure> measures;
    for (const auto& result : output.results()) {
        const std::size_t face = result.request.row, background = result.request.column;
        measures.push_back(measure_heldout_cell(recognizer, face, background, result.image, job.faces[face].aligned,
                                                job.backgrounds[background].aligned));
    }
    return heldout_identity_figures(face_people, background_people, measures);
}

// Held-out real people of a prep dataset: every face person onto every background person, scored by dlib
// against other photos of both.
int run_heldout_eval(EvalArguments& args) {
    const auto start = std::chrono::steady_clock::now();
    if (!args.face_photos.empty() || !args.background_photos.empty())
        throw InputError("--data and --face-photos/--background-photos are two different evaluations: give one of them.");
    if (args.photos_per_face < 1) throw InputError("--photos-per-face must be at least 1.");
    HeldoutDataset dataset(args.data);
    FaceDescriptor recognizer;  // a missing face-recognition model fails before anything is generated
    const auto engine = open_engine(args.generation);
    if (!dataset.has_stored_descriptors())
        std::cerr << "no descriptors.safetensors in " << args.data << ": describing the aligned faces with dlib instead\n";
    const std::size_t photos = args.photos_per_face;
    const HeldoutChoice choice = choose_heldout_people(dataset.candidates(), args.faces, args.backgrounds, args.generation.seed,
                                                       [&](const HeldoutPerson& person) {
                                                           return person.more_sources.size() + 1 >= photos &&
                                                                  dataset.descriptor(person.source, recognizer) &&
                                                                  dataset.descriptor(person.reference, recognizer);
                                                       },
                                                       photos == 1 ? "with two or more photos dlib finds a face in"
                                                                   : "with " + std::to_string(photos + 1) +
                                                                         " or more photos (" + std::to_string(photos) +
                                                                         " to mix, one to compare with) dlib finds a face in");
    std::vector<HeldoutPersonDescriptors> face_people, background_people;
    std::vector<std::string> face_names, background_names;
    MixJob job;
    for (const auto& person : choice.faces) {
        face_people.push_back({*dataset.descriptor(person.source, recognizer), *dataset.descriptor(person.reference, recognizer)});
        face_names.push_back(person.name);
        job.faces.push_back(heldout_source(dataset, person, photos));
    }
    for (const auto& person : choice.backgrounds) {
        background_people.push_back({*dataset.descriptor(person.source, recognizer), *dataset.descriptor(person.reference, recognizer)});
        background_names.push_back(person.name);
        job.backgrounds.push_back(heldout_source(dataset, person, 1));
    }
    job.settings = sampling_settings(args.generation);
    job.token_weights = args.generation.token_weights;
    job.batch_cells = args.generation.batch;
    // One seed for every cell, so cells differ only by their people.
    job.cells = grid_cells(job.faces.size(), job.backgrounds.size(), args.generation.seed, SeedPolicy::Fixed);

    const std::filesystem::path folder(args.output_dir);
    int code = kExitOk;
    const HeldoutFigures figures = generate_and_score(job, *engine, recognizer, folder, "cells", "contact_sheet.png", face_people, background_people, code);
    if (code == kExitInterrupted) return code;
    std::string comparison;
    if (photos > 1) {
        // The same people, cells and seeds from each face person's first photo alone.
        MixJob one_photo = job;
        for (auto& source : one_photo.faces) source.same_person.clear();
        int one_code = kExitOk;
        const HeldoutFigures alone =
            generate_and_score(one_photo, *engine, recognizer, folder, "cells-one-photo", {}, face_people, background_people, one_code);
        if (one_code == kExitInterrupted) return one_code;
        code = std::max(code, one_code);
        comparison = photo_count_comparison_markdown(alone, figures, photos);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    HeldoutReportNotes notes;
    notes.stored_descriptors = dataset.has_stored_descriptors();
    notes.recognizer_conditions = face_token_is_dlib_descriptor(engine->manifest());
    const std::string table = heldout_evaluation_markdown(figures, face_names, background_names, notes) + comparison;
    std::cout << "\n" << table << "\n";
    const std::int64_t cell_px = job.settings.resolution > 0 ? job.settings.resolution : engine->manifest().native_resolution;
    char header[768];
    std::snprintf(header, sizeof header,
                  "# facemix eval (held-out people): %s\n\n%zu held-out face people x %zu background people of %s (of %zu "
                  "held out; seed %llu picks them), %lld px cells; %s, %lld steps, CFG %.2f, seed %llu for every cell; %.1f s.\n\n",
                  engine->model_name().c_str(), job.faces.size(), job.backgrounds.size(), args.data.c_str(), dataset.held_out_listed(),
                  static_cast<unsigned long long>(args.generation.seed), static_cast<long long>(cell_px), job.settings.sampler.c_str(),
                  static_cast<long long>(job.settings.steps), job.settings.cfg_scale, static_cast<unsigned long long>(args.generation.seed),
                  seconds);
    write_text(folder / "eval.md", header + ("Command: `" + args.command + "`\n\n") + people_table(dataset, choice, photos) + "\n" + table);
    write_text(folder / "eval.csv", heldout_evaluation_csv(figures, face_names, background_names));
    write_image_atomic(folder / "eval.png", heldout_evaluation_plot(figures, face_names, "facemix eval (held-out people): " + engine->model_name()));
    std::cout << (folder / "eval.png").string() << "\n";
    return code;
}

int run_eval(EvalArguments& args) {
    if (args.faces < 1 || args.backgrounds < 1) throw InputError("--faces and --backgrounds must be at least 1.");
    if (!args.data.empty()) return run_heldout_eval(args);
    if (!args.face_photos.empty() || !args.background_photos.empty()) return run_photo_eval(args);
    const auto start = std::chrono::steady_clock::now();
    const auto engine = open_engine(args.generation);
    const std::filesystem::path folder(args.output_dir);
    create_output_folder(folder);
    const SamplingSettings settings = sampling_settings(args.generation);
    const std::int64_t cell_px = settings.resolution > 0 ? settings.resolution : engine->manifest().native_resolution;

    const std::filesystem::path cache = args.classifier.empty() ? folder / "trait_classifier.safetensors" : std::filesystem::path(args.classifier);
    std::optional<TraitClassifier> trained;
    try {
        trained.emplace(classifier_for(args, classifier_resolution(cell_px), cache));
    } catch (const Cancelled&) {
        std::cerr << "facemix: stopped while training the trait classifier\n";
        return kExitInterrupted;
    }
    const TraitClassifier& classifier = *trained;
    const std::vector<double> ceiling = classifier.held_out_accuracy(args.ceiling_images);

    const SyntheticSources sources = held_out_sources(args.synthetic_seed, args.faces, args.backgrounds, static_cast<int>(cell_px));
    MixJob job = synthetic_evaluation_job(sources, settings, args.generation.seed);
    job.token_weights = args.generation.token_weights;
    job.batch_cells = args.generation.batch;
    JobOutput output(folder / "cells", job);
    const int code = output.run(*engine, interrupt_token());
    output.write_results_sheet("contact_sheet.png");
    if (code == kExitInterrupted) return code;

    std::vector<EvaluatedCell> cells;
    for (const auto& result : output.results()) cells.push_back({result.request.row, result.request.column, result.image});
    const MixEvaluation evaluation = evaluate_cells(classifier, ceiling, sources, cells);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const std::string table = evaluation_markdown(evaluation);
    std::cout << "\n" << table << "\n";
    char header[512];
    std::snprintf(header, sizeof header,
                  "# facemix eval: %s\n\n%zu held-out synthetic faces x %zu backgrounds (synthetic seed %llu, held-out seed "
                  "%llu), %lld px cells; %s, %lld steps, CFG %.2f, seed %llu; trait classifier %d px, %lld steps; %.1f s.\n\n",
                  engine->model_name().c_str(), args.faces, args.backgrounds, static_cast<unsigned long long>(args.synthetic_seed),
                  static_cast<unsigned long long>(held_out_synthetic_seed(args.synthetic_seed)), static_cast<long long>(cell_px),
                  settings.sampler.c_str(), static_cast<long long>(settings.steps), settings.cfg_scale,
                  static_cast<unsigned long long>(args.generation.seed), classifier.config().resolution,
                  static_cast<long long>(classifier.config().steps), seconds);
    write_text(folder / "eval.md", header + ("Command: `" + args.command + "`\n\n") + table);
    write_text(folder / "eval.csv", evaluation_csv(evaluation));
    write_image_atomic(folder / "eval.png", evaluation_plot(evaluation, "facemix eval: " + engine->model_name() + ", " +
                                                                           std::to_string(evaluation.cells - evaluation.failed) + " cells"));
    std::cout << (folder / "eval.png").string() << "\n";
    return code;
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<EvalArguments>();
    CLI::App* command = app.add_subcommand(
        "eval", "Measure how well a model keeps the face's identity and the background's other traits: it mixes held-out "
                "synthetic faces and reads every trait back with a classifier trained on synthetic renders; with "
                "--face-photos/--background-photos, it scores real mixes by face-descriptor similarity; with --data, it mixes "
                "a prep dataset's held-out people and scores identity against their other photos (eval.md, eval.csv, "
                "eval.png, cells/)");
    command->add_option("-o,--output", args->output_dir, "Output folder")->required();
    command->add_option("--faces", args->faces, "Held-out synthetic identities used as face sources")->capture_default_str();
    command->add_option("--backgrounds", args->backgrounds, "Held-out synthetic identities used as background sources")
        ->capture_default_str();
    command->add_option("--synthetic-seed", args->synthetic_seed,
                        "Synthetic seed the classifier trains on; the sources are identities of another seed derived from it")
        ->capture_default_str();
    command->add_option("--classifier", args->classifier,
                        "Trait classifier file, reused when it was trained with the same settings, else trained and written "
                        "there (default: OUTPUT/trait_classifier.safetensors)");
    command->add_option("--classifier-steps", args->classifier_steps, "Training steps of the trait classifier")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
    command->add_option("--ceiling-images", args->ceiling_images, "Held-out renders the classifier's own accuracy is measured on")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000}));
    command->add_option("--face-photos", args->face_photos,
                        "Real-photo mode: photos whose face is kept (photo.jpg#2 = its second face); each cell is scored by "
                        "the cosine of dlib face descriptors to its face source and, for reference, to its background source");
    command->add_option("--background-photos", args->background_photos, "Real-photo mode: photos that give everything else");
    command->add_option("--photos-per-face", args->photos_per_face,
                        "With --data: mix each face person from this many photos, and also from one, and compare the two")
        ->capture_default_str();
    command->add_option("--data", args->data,
                        "Held-out people mode: a facemix prep dataset with a held-out split; --faces people are mixed onto "
                        "--backgrounds other people (--seed picks them) and each cell is scored by dlib's face-recognition "
                        "distance to another photo of each");
    add_generation_options(*command, args->generation);
    command->callback([args, &exit_code] {
        const std::string source = args->data.empty() ? " --synthetic-seed " + std::to_string(args->synthetic_seed) : " --data " + args->data;
        char cfg[32];
        std::snprintf(cfg, sizeof cfg, "%g", args->generation.cfg_scale);
        args->command = "facemix eval" + (args->generation.model.empty() ? std::string() : " -m " + args->generation.model) +
                        " --faces " + std::to_string(args->faces) + " --backgrounds " + std::to_string(args->backgrounds) + source +
                        " --steps " + std::to_string(args->generation.steps) + " --cfg-scale " + cfg + " --sampler " +
                        args->generation.sampler + " --seed " + std::to_string(args->generation.seed);
        exit_code = run_eval(*args);
    });
}

}  // namespace facemix::cli
