#include "mix/job_files.h"

#include <cstdio>

#include "io/apng_writer.h"
#include "io/image_file.h"
#include "mix/contact_sheet.h"

namespace facemix {

namespace {

std::string stem_of(const std::string& file) { return std::filesystem::path(file).stem().string(); }

}  // namespace

std::string grid_cell_file_name(std::size_t row, std::size_t column, const std::string& face_file,
                                const std::string& background_file) {
    char place[32];
    std::snprintf(place, sizeof place, "r%02zuc%02zu_", row + 1, column + 1);
    return place + stem_of(face_file) + "_x_" + stem_of(background_file) + ".png";
}

std::string frame_file_name(std::size_t frame) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03zu.png", frame + 1);
    return name;
}

void write_contact_sheet(const std::filesystem::path& path, const std::vector<cv::Mat>& faces,
                         const std::vector<cv::Mat>& backgrounds,
                         const std::vector<std::vector<std::optional<cv::Mat>>>& cells, std::string_view missing_label,
                         int tile_px) {
    write_image_atomic(path, contact_sheet(faces, backgrounds, cells, tile_px, kSheetGapPx, missing_label));
}

StripFiles write_strip_and_animation(const std::filesystem::path& folder, const std::string& stem,
                                     const std::vector<cv::Mat>& frames, int frame_ms) {
    StripFiles files{folder / (stem + "_strip.png"), folder / (stem + "_animation.png")};
    write_image_atomic(files.strip, image_strip(frames, kSheetGapPx));
    write_apng_atomic(files.animation, frames, frame_ms);
    return files;
}

}  // namespace facemix
