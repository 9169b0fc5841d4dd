#include "io/os_error.h"

#include <cctype>
#include <cstring>

namespace facemix {

std::string os_error_words(int error) {
    std::string words = std::strerror(error);
    if (!words.empty()) words[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(words[0])));
    return words;
}

}  // namespace facemix
