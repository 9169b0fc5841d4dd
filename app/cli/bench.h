#pragma once

#include "cli/command.h"

namespace facemix::cli {

// The subcommands of `facemix bench`, one file each.
void add_bench_align(CLI::App& bench, int& exit_code);
void add_bench_unet(CLI::App& bench, int& exit_code);
void add_bench_mix(CLI::App& bench, int& exit_code);
void add_bench_soak(CLI::App& bench, int& exit_code);
void add_bench_train(CLI::App& bench, int& exit_code);

}  // namespace facemix::cli
