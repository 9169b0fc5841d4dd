#pragma once

#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "mix/mix_engine.h"

namespace facemix::cli {

// Runs a job for the command line: a progress bar over all steps, each cell written to the output
// folder as soon as it is done (PNG with its recipe, atomically), one line per cell, and the summary
// sheets afterwards from what finished.
class JobOutput {
public:
    using CellName = std::function<std::string(const MixJob&, const CellRequest&)>;

    // Creates the folder (InputError when it cannot). `name` gives each cell's file name.
    JobOutput(std::filesystem::path folder, const MixJob& job, CellName name = grid_cell_name);

    // kExitOk when every cell was written, kExitFailed when some failed, kExitInterrupted after Ctrl-C.
    int run(MixEngine& engine, std::stop_token stop);

    // Faces down, backgrounds across, source thumbnails on both axes; failed cells grey.
    void write_results_sheet(const std::string& file_name) const;
    // The finished cells in order as one strip and as an animated PNG (interpolations).
    void write_results_strip(const std::string& stem, int frame_ms) const;

    const std::vector<CellResult>& results() const { return results_; }

    static std::string grid_cell_name(const MixJob& job, const CellRequest& cell);
    static std::string frame_name(const MixJob& job, const CellRequest& cell);

private:
    std::filesystem::path folder_;
    const MixJob& job_;
    CellName name_;
    std::vector<CellResult> results_;
};

}  // namespace facemix::cli
