#include "io/image_inputs.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace facemix {

bool has_image_extension(const std::filesystem::path& path) {
    static constexpr std::array<std::string_view, 10> extensions = {".jpg", ".jpeg", ".png", ".bmp", ".webp",
                                                                    ".tif", ".tiff", ".ppm", ".pgm", ".pnm"};
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
}

std::vector<std::filesystem::path> expand_image_inputs(const std::vector<std::string>& arguments) {
    std::vector<std::filesystem::path> files;
    for (const auto& argument : arguments) {
        const std::filesystem::path path(argument);
        std::error_code error;
        if (!std::filesystem::is_directory(path, error)) {
            files.push_back(path);
            continue;
        }
        std::vector<std::filesystem::path> inside;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path, error))
            if (entry.is_regular_file() && has_image_extension(entry.path())) inside.push_back(entry.path());
        std::sort(inside.begin(), inside.end());
        // A folder without images stays in the list so the loader reports it instead of it vanishing.
        if (inside.empty()) inside.push_back(path);
        files.insert(files.end(), inside.begin(), inside.end());
    }
    return files;
}

}  // namespace facemix
