#include "mix/cell_failure.h"

#include <new>
#include <string_view>

#include <c10/util/Exception.h>

namespace facemix {
namespace {

bool ran_out_of_memory(const std::exception& error) {
    if (dynamic_cast<const c10::OutOfMemoryError*>(&error) || dynamic_cast<const std::bad_alloc*>(&error)) return true;
    // LibTorch's CPU allocator reports a refused allocation as a plain c10::Error.
    return std::string_view(error.what()).find("DefaultCPUAllocator: can't allocate memory") != std::string_view::npos;
}

}  // namespace

std::string cell_failure_words(const std::exception& error, const ComputeTarget& target) {
    if (ran_out_of_memory(error)) {
        if (target.device.is_cuda())
            return "The GPU ran out of memory: mix fewer cells at a time, at a smaller size or in half precision, or on the CPU.";
        return "The computer ran out of memory: mix fewer cells at a time, at a smaller size or in bf16.";
    }
    // c10 errors carry a C++ backtrace after their first line; a user needs the first line.
    const std::string_view text = error.what();
    return std::string(text.substr(0, text.find('\n')));
}

}  // namespace facemix
