#pragma once

#include <filesystem>

namespace facemix {

// Creates `folder` and its parents, or throws InputError, one sentence naming it and why it cannot be
// ("could not create the folder out/run: not a directory." when a parent is a file). Every command's
// -o goes through it, so a bad output place is refused before any work starts.
void create_output_folder(const std::filesystem::path& folder);

}  // namespace facemix
