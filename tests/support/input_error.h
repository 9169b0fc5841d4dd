#pragma once

#include <functional>
#include <string>

#include "common/error.h"

namespace facemix::test {

// The sentence of the InputError `action` throws, or "(no InputError)", for tests of refusals.
inline std::string input_error(const std::function<void()>& action) {
    try {
        action();
    } catch (const InputError& error) {
        return error.what();
    }
    return "(no InputError)";
}

}  // namespace facemix::test
