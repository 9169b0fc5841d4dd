#include "cli/job_output.h"

#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "common/error.h"
#include "mix/cell_export.h"
#include "mix/job_files.h"
#include "io/output_folder.h"

namespace facemix::cli {

JobOutput::JobOutput(std::filesystem::path folder, const MixJob& job, CellName name)
    : folder_(std::move(folder)), job_(job), name_(std::move(name)) {
    create_output_folder(folder_);
}

std::string JobOutput::grid_cell_name(const MixJob& job, const CellRequest& cell) {
    return grid_cell_file_name(cell.row, cell.column, job.faces.at(cell.face.from).file, job.backgrounds.at(cell.background.from).file);
}

std::string JobOutput::frame_name(const MixJob&, const CellRequest& cell) { return frame_file_name(cell.column); }

int JobOutput::run(MixEngine& engine, std::stop_token stop) {
    const std::size_t steps_per_cell = static_cast<std::size_t>(job_.settings.steps);
    ProgressBar bar(job_.cells.size() * steps_per_cell, "generating");
    // Progress arrives per batch step; a finished cell's steps are counted through results_.
    std::size_t failed = 0;
    MixCallbacks callbacks;
    const std::size_t total = job_.cells.size() * steps_per_cell;
    callbacks.on_progress = [&](const JobProgress& progress) {
        const std::size_t in_batch = progress.steps ? progress.step * progress.batch_cells * steps_per_cell / progress.steps : 0;
        bar.update(std::min(total, results_.size() * steps_per_cell + in_batch));
    };
    callbacks.on_cell = [&](const CellResult& result) {
        bar.clear();
        const std::filesystem::path path = folder_ / name_(job_, result.request);
        if (result.ok()) {
            write_recipe_png(path, result.image, result.recipe);
            std::cout << path.string() << "\n";
        } else {
            ++failed;
            std::cerr << "facemix: cell " << path.filename().string() << " failed: " << result.error << "\n";
        }
        results_.push_back(result);
    };
    try {
        engine.run(job_, callbacks, std::move(stop));
    } catch (const Cancelled&) {
        bar.clear();
        std::cerr << "facemix: stopped; " << results_.size() << " of " << job_.cells.size() << " cells were finished and kept.\n";
        return kExitInterrupted;
    }
    bar.finish();
    return failed ? kExitFailed : kExitOk;
}

void JobOutput::write_results_sheet(const std::string& file_name) const {
    if (job_.faces.empty() || job_.backgrounds.empty()) return;
    std::vector<cv::Mat> faces, backgrounds;
    for (const auto& source : job_.faces) faces.push_back(source.aligned);
    for (const auto& source : job_.backgrounds) backgrounds.push_back(source.aligned);
    std::vector<std::vector<std::optional<cv::Mat>>> cells(faces.size(), std::vector<std::optional<cv::Mat>>(backgrounds.size()));
    for (const auto& result : results_)
        if (result.ok()) cells.at(result.request.row).at(result.request.column) = result.image;
    const std::filesystem::path path = folder_ / file_name;
    write_contact_sheet(path, faces, backgrounds, cells, "failed");
    std::cout << path.string() << "\n";
}

void JobOutput::write_results_strip(const std::string& stem, int frame_ms) const {
    std::vector<CellResult> finished;
    for (const auto& result : results_)
        if (result.ok()) finished.push_back(result);
    if (finished.empty()) return;
    std::sort(finished.begin(), finished.end(), [](const auto& a, const auto& b) { return a.request.column < b.request.column; });
    std::vector<cv::Mat> frames;
    for (const auto& result : finished) frames.push_back(result.image);
    const StripFiles files = write_strip_and_animation(folder_, stem, frames, frame_ms);
    std::cout << files.strip.string() << "\n" << files.animation.string() << "\n";
}

}  // namespace facemix::cli
