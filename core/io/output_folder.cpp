#include "io/output_folder.h"

#include <system_error>

#include "common/error.h"
#include "io/os_error.h"

namespace facemix {

void create_output_folder(const std::filesystem::path& folder) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (!error && std::filesystem::is_directory(folder)) return;
    const bool in_the_way = std::filesystem::exists(folder) && !std::filesystem::is_directory(folder);
    const std::string reason = in_the_way || !error ? "a file of that name is in the way" : os_error_words(error.value());
    throw InputError("could not create the folder " + folder.string() + ": " + reason + ".");
}

}  // namespace facemix
