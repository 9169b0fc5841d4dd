#pragma once

namespace facemix {

// How a loaded network holds its weights: its own copy (a network that will be trained, so that the
// source map stays as it was), or the source tensors themselves wherever dtype and device already agree
// (a network that only runs: one copy of the weights in memory, not two).
enum class WeightTransfer { Copy, Share };

}  // namespace facemix
