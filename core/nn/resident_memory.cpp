#include "nn/resident_memory.h"

#include <malloc.h>

#include "io/mapped_file.h"
#include "nn/load_weights.h"

namespace facemix {

void release_free_heap() { (void)::malloc_trim(0); }

void release_network_memory(const torch::nn::Module& network) {
    for (const auto& [name, weight] : module_weights(network)) release_resident_pages(weight);
    release_free_heap();
}

}  // namespace facemix
