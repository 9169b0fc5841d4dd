#include "cli/command.h"

#include "bundle/model_importer.h"
#include "bundle/model_networks.h"
#include "bundle/model_summary.h"
#include "common/error.h"

#include <iostream>
#include <memory>

namespace facemix::cli {
namespace {

struct ModelArguments {
    std::string input;
    std::string output;
    std::string dtype = "fp32";
    std::vector<std::string> tokens;
    ImportOptions sizes;
    std::string activation;
};

ImportOptions import_options(const ModelArguments& args) {
    ImportOptions options = args.sizes;
    if (!args.tokens.empty()) options.tokens = args.tokens;
    if (args.activation == "gelu") options.clip_activation = ClipActivation::Gelu;
    if (args.activation == "quick_gelu") options.clip_activation = ClipActivation::QuickGelu;
    return options;
}

void add_import_flags(CLI::App* command, ModelArguments& args) {
    command->add_option("--tokens", args.tokens, "Names of the condition tokens, when the file does not say (e.g. face background)");
    command->add_option("--heads", args.sizes.attention_heads, "UNet attention heads of an LDM checkpoint")->capture_default_str();
    command->add_option("--norm-groups", args.sizes.unet_norm_groups, "UNet group-norm groups")->capture_default_str();
    command->add_option("--vae-norm-groups", args.sizes.vae_norm_groups, "Autoencoder group-norm groups")->capture_default_str();
    command->add_option("--clip-head-width", args.sizes.clip_head_width, "CLIP attention head width")->capture_default_str();
    command->add_option("--clip-activation", args.activation, "CLIP MLP activation: quick_gelu (OpenAI) or gelu (LAION)")
        ->check(CLI::IsMember({"quick_gelu", "gelu"}));
}

int run_info(const ModelArguments& args) {
    const ModelBundle bundle = import_model(args.input, import_options(args));
    std::cout << summarize_model(bundle);
    return kExitOk;
}

int run_convert(const ModelArguments& args) {
    const WeightDType dtype = weight_dtype_from_name(args.dtype);
    ModelBundle bundle = import_model(args.input, import_options(args));
    // Building every network checks that the weights fit the manifest exactly before anything is written.
    (void)build_networks(bundle, args.input);
    bundle.manifest.provenance.command = "facemix convert " + args.input + " --dtype " + args.dtype;
    write_bundle(args.output, bundle, dtype);
    std::cout << "wrote " << args.output << "\n" << summarize_model(read_bundle(args.output));
    return kExitOk;
}

}  // namespace

void add_model_commands(CLI::App& app, int& exit_code) {
    auto info_args = std::make_shared<ModelArguments>();
    CLI::App* info = app.add_subcommand("info", "Describe a model: facemix bundle, diffusers folder, LDM .ckpt or CLIP file");
    info->add_option("path", info_args->input, "Model file or folder")->required();
    add_import_flags(info, *info_args);
    info->callback([info_args, &exit_code] { exit_code = run_info(*info_args); });

    auto convert_args = std::make_shared<ModelArguments>();
    CLI::App* convert = app.add_subcommand("convert", "Convert a model into one facemix bundle (.safetensors)");
    convert->add_option("input", convert_args->input, "Model file or folder")->required();
    convert->add_option("-o,--output", convert_args->output, "Bundle to write (.safetensors)")->required();
    convert->add_option("--dtype", convert_args->dtype, "Weight precision: fp32, fp16 or bf16")
        ->check(CLI::IsMember({"fp32", "fp16", "bf16"}))
        ->capture_default_str();
    add_import_flags(convert, *convert_args);
    convert->callback([convert_args, &exit_code] { exit_code = run_convert(*convert_args); });
}

}  // namespace facemix::cli
