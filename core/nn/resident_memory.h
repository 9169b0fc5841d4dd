#pragma once

#include <torch/nn/module.h>

namespace facemix {

// What a job hands back between its phases (embedding, sampling, decoding), so that their memory does
// not add up in the process: a network done for now and what its work left on the heap.

// The glibc heap's free memory back to the system. Blocks below glibc's mmap threshold (which rises to
// 32 MiB once large blocks have been freed: most of a network's activations in bf16, every parameter
// a constructor initialised) stay resident once freed, in holes later allocations reuse only in part.
void release_free_heap();

// The pages of the network's weights that view a model file (io/mapped_file; read again from the page
// cache when the network next runs). Weights the process owns stay put.
void release_weight_pages(const torch::nn::Module& network);

// The pages of the network's weights that view a model file, mapped in at once ahead of a call
// (io/mapped_file's prefetch_resident_pages) after release_weight_pages handed them back.
void prefetch_weight_pages(const torch::nn::Module& network);

// release_weight_pages, then the free heap the network's activations left.
void release_network_memory(const torch::nn::Module& network);

}  // namespace facemix
