#pragma once

#include <stdexcept>
#include <string>

namespace facemix {

// Something the user handed us (a file, a flag, a model) cannot be used. The message is one
// sentence written for that user, naming the input, so the edge that catches it can print it as is.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The operation was stopped on request (Ctrl-C, the studio's Cancel); not a failure.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace facemix
