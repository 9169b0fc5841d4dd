#include "io/weight_file.h"

#include "common/error.h"
#include "io/torch_checkpoint.h"

namespace facemix {

TensorMap read_weight_file(const std::filesystem::path& path) {
    const std::string extension = path.extension().string();
    if (!std::filesystem::is_regular_file(path)) throw InputError(path.string() + ": no such file");
    if (extension == ".safetensors") return SafetensorsFile::open(path).read_all();
    if (extension == ".ckpt" || extension == ".pt" || extension == ".pth" || extension == ".bin")
        return read_torch_checkpoint(path);
    throw InputError(path.string() + ": not a weight file facemix reads (.safetensors, .ckpt, .pt, .pth or .bin)");
}

TensorMap with_prefix_stripped(const TensorMap& weights, const std::string& prefix) {
    TensorMap stripped;
    for (auto it = weights.lower_bound(prefix); it != weights.end() && it->first.starts_with(prefix); ++it)
        stripped.emplace(it->first.substr(prefix.size()), it->second);
    return stripped;
}

}  // namespace facemix
