#pragma once

#include <cstdint>

namespace facemix {

// SplitMix64's finaliser: a bijective mix, so distinct inputs give distinct, well-spread seeds.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// The seed of one independent random stream (which draw it is for, and for which item and step):
// the trainer and the synthetic data each derive every generator from their one seed this way, so a
// run reproduces whatever order its draws are made in.
constexpr std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b = 0) {
    return splitmix64(splitmix64(splitmix64(seed ^ splitmix64(stream)) ^ a) ^ b);
}

}  // namespace facemix
