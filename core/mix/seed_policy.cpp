#include "mix/seed_policy.h"

#include "common/error.h"

namespace facemix {

SeedPolicy seed_policy_from_name(const std::string& name) {
    if (name == "fixed") return SeedPolicy::Fixed;
    if (name == "per-cell") return SeedPolicy::PerCell;
    throw InputError("Seed policy \"" + name + "\" is not one of fixed or per-cell.");
}

}  // namespace facemix
