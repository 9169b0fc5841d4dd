#pragma once

#include <CLI/CLI.hpp>

namespace facemix::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the command ran, but some input could not be processed
inline constexpr int kExitUsage = 2;   // bad flags or arguments

// Each command registers its subcommand and its handler; the handler returns the exit code.
void add_align_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_model_commands(CLI::App& app, int& exit_code);  // info, convert
void add_mix_command(CLI::App& app, int& exit_code);
void add_cast_command(CLI::App& app, int& exit_code);
void add_interpolate_command(CLI::App& app, int& exit_code);
void add_edit_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_synth_command(CLI::App& app, int& exit_code);
void add_train_command(CLI::App& app, int& exit_code);
void add_prep_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app, int& exit_code);

}  // namespace facemix::cli
