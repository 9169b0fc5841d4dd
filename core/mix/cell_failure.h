#pragma once

#include <exception>
#include <string>

#include "mix/compute_target.h"

namespace facemix {

// The one sentence a cell reports when sampling it failed: the error's own first line, except when the
// device ran out of memory (LibTorch's OutOfMemoryError on a GPU, its CPU allocator's refusal, or
// std::bad_alloc), which says what to change instead of quoting the allocator.
std::string cell_failure_words(const std::exception& error, const ComputeTarget& target);

}  // namespace facemix
