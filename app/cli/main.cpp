#include "cli/command.h"

#include "common/error.h"

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"facemix: mix faces with diffusion models (identity from one photo, everything else from another)"};
    app.set_version_flag("--version", std::string("facemix ") + FACEMIX_VERSION);
    app.require_subcommand(1);
    int exit_code = facemix::cli::kExitOk;
    facemix::cli::add_align_command(app, exit_code);
    facemix::cli::add_mix_command(app, exit_code);
    facemix::cli::add_cast_command(app, exit_code);
    facemix::cli::add_interpolate_command(app, exit_code);
    facemix::cli::add_edit_command(app, exit_code);
    facemix::cli::add_replay_command(app, exit_code);
    facemix::cli::add_model_commands(app, exit_code);
    facemix::cli::add_synth_command(app, exit_code);
    facemix::cli::add_prep_command(app, exit_code);
    facemix::cli::add_train_command(app, exit_code);
    facemix::cli::add_eval_command(app, exit_code);
    facemix::cli::add_bench_command(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : facemix::cli::kExitUsage;
    } catch (const facemix::InputError& error) {
        std::cerr << "facemix: " << error.what() << "\n";
        return facemix::cli::kExitFailed;
    } catch (const std::exception& error) {
        std::cerr << "facemix: " << error.what() << "\n";
        return facemix::cli::kExitFailed;
    }
    return exit_code;
}
