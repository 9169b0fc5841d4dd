#include "nn/diffusers_config.h"

#include "common/error.h"

namespace facemix {

void require_fixed_options(const nlohmann::json& config, const std::vector<FixedOption>& fixed, const std::string& what) {
    for (const auto& [key, expected] : fixed) {
        const auto found = config.find(key);
        if (found != config.end() && !found->is_null() && *found != expected)
            throw InputError(what + ": " + key + " = " + found->dump() + " is not supported (only " + expected.dump() + ")");
    }
}

}  // namespace facemix
