#include "nn/resident_memory.h"

#include <malloc.h>

#include "io/mapped_file.h"
#include "nn/load_weights.h"

namespace facemix {

void release_free_heap() { (void)::malloc_trim(0); }

void release_weight_pages(const torch::nn::Module& network) {
    for (const auto& [name, weight] : module_weights(network)) release_resident_pages(weight);
}

void prefetch_weight_pages(const torch::nn::Module& network) {
    for (const auto& [name, weight] : module_weights(network)) prefetch_resident_pages(weight);
}

void release_network_memory(const torch::nn::Module& network) {
    release_weight_pages(network);
    release_free_heap();
}

}  // namespace facemix
