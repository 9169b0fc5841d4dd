#include <iostream>

#include <opencv2/core.hpp>

#include "cli/command.h"
#include "cli/generation_options.h"
#include "cli/interrupt.h"

#include "align/face_aligner.h"
#include "bundle/model_lookup.h"
#include "common/error.h"
#include "io/content_hash.h"
#include "io/image_file.h"
#include "mix/cell_export.h"

namespace facemix::cli {
namespace {

struct ReplayArguments {
    std::string image;
    std::string model;
    std::string init;
    std::string output;
    std::string device = "auto";
    std::string precision;
};

// SDEdit recipes name their start photo; the user points at it and the hash proves it is the same one.
cv::Mat replay_init(const Recipe& recipe, const std::string& path) {
    if (!recipe.init) return {};
    if (path.empty()) throw InputError("The image is an SDEdit of " + recipe.init->file + ": give that photo with --init.");
    if (file_content_hash(path) != recipe.init->image_hash)
        throw InputError(path + " is not the photo the edit started from (" + recipe.init->file + ").");
    const cv::Mat photo = load_image(path);
    if (content_hash(photo.data, photo.total() * photo.elemSize()) == recipe.init->aligned_hash) return photo;  // was --aligned
    std::size_t failures = 0;
    auto sources = load_sources({path + "#" + std::to_string(recipe.init->face_index + 1)}, false, failures);
    if (sources.empty()) throw InputError("The start photo " + path + " cannot be aligned again.");
    return sources.front().aligned;
}

// Without -m: the model whose hash the recipe names, among the default and the recently used models.
std::unique_ptr<MixEngine> open_recipe_model(const Recipe& recipe, const GenerationArguments& generation) {
    resolve_compute_target(generation.device, generation.precision);  // a bad flag fails before any model is hashed
    auto found = find_model_by_hash(recipe.model_hash, recipe.model_name, [](const std::filesystem::path& path) {
        std::cerr << "looking for the recipe's model: hashing " << path.string() << "\n";
    });
    if (!found)
        throw InputError("The image was made with model " + recipe.model_name + " (hash " + recipe.model_hash +
                         "), which is neither the default model nor a recently used one; name it with -m.");
    return open_engine(found->bundle, found->path, generation);
}

int run_replay(const ReplayArguments& args) {
    const Recipe recipe = read_recipe_png(args.image);
    const cv::Mat original = load_image(args.image);
    GenerationArguments generation;
    generation.model = args.model;
    generation.device = args.device;
    generation.precision = args.precision.empty() ? recipe.precision : args.precision;
    const auto engine = args.model.empty() ? open_recipe_model(recipe, generation) : open_engine(generation);
    const cv::Mat replayed = engine->replay(recipe, replay_init(recipe, args.init), interrupt_token());
    if (!args.output.empty()) write_image_atomic(args.output, replayed);
    if (replayed.size() != original.size()) {
        std::cout << "differs: the replay is " << replayed.cols << " px, the image " << original.cols << " px\n";
        return kExitFailed;
    }
    cv::Mat difference;
    cv::absdiff(replayed, original, difference);
    double largest = 0;
    cv::minMaxLoc(difference.reshape(1), nullptr, &largest);
    if (largest == 0) {
        std::cout << "identical: the replay reproduces every pixel of " << args.image << "\n";
        return kExitOk;
    }
    cv::Mat changed;
    cv::reduce(difference.reshape(1, difference.rows * difference.cols), changed, 1, cv::REDUCE_MAX);
    std::cout << "differs: " << cv::countNonZero(changed) << " of " << original.total() << " pixels, by at most " << largest
              << " levels (" << recipe.device << " " << recipe.precision << " then, " << engine->target().description() << " now)\n";
    return kExitFailed;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ReplayArguments>();
    CLI::App* command = app.add_subcommand("replay", "Regenerate an image from the recipe in its PNG and say whether the pixels match");
    command->add_option("image", args->image, "A PNG written by facemix mix, interpolate or edit")->required();
    command->add_option("-m,--model", args->model,
                        "The model it was made with, checked by hash (default: the default or a recently used model with "
                        "the recipe's hash)");
    command->add_option("--init", args->init, "SDEdit images: the photo the edit started from");
    command->add_option("-o,--output", args->output, "Also write the regenerated image here");
    command->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    command->add_option("--precision", args->precision, "fp32, fp16 or bf16 (default: the recipe's)");
    command->callback([args, &exit_code] { exit_code = run_replay(*args); });
}

}  // namespace facemix::cli
