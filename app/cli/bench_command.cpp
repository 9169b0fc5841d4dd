#include "cli/bench.h"

namespace facemix::cli {

void add_bench_command(CLI::App& app, int& exit_code) {
    CLI::App* bench = app.add_subcommand("bench", "Measure the speed and memory of facemix's stages");
    bench->require_subcommand(1);
    add_bench_align(*bench, exit_code);
    add_bench_unet(*bench, exit_code);
    add_bench_mix(*bench, exit_code);
    add_bench_soak(*bench, exit_code);
    add_bench_train(*bench, exit_code);
}

}  // namespace facemix::cli
