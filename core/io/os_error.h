#pragma once

#include <string>

namespace facemix {

// errno in words for the end of a sentence: "no space left on device", "not a directory".
std::string os_error_words(int error);

}  // namespace facemix
