// fuzz-sources: core/io/pickle_machine.cpp core/io/torch_pickle.cpp
// Any byte string must either build a document or throw InputError: never crash, hang, leak or
// read outside the input. The tensor layout on top is fuzzed too, since it walks what a hostile
// pickle built (shared values, cycles) and does the bounds arithmetic.
#include "common/error.h"
#include "io/pickle_machine.h"
#include "io/torch_pickle.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    facemix::PickleLimits limits;
    limits.max_values = std::size_t{1} << 16;  // keeps each run fast; the real limits are only larger
    try {
        const facemix::PickleDocument document = facemix::run_pickle(std::span(data, size), "fuzz.pkl", limits);
        facemix::torch_weights_layout(document.root(), "fuzz.pkl");
    } catch (const facemix::InputError&) {
    }
    return 0;
}
