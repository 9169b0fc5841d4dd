#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace facemix {

// nlohmann::json's exception text ("[json.exception.type_error.302] type must be number, but is
// string") in words a user can act on ("a number was expected, not a string"), for the readers that
// put it into their one sentence about a malformed file.
std::string json_error_words(const nlohmann::json::exception& error);

}  // namespace facemix
