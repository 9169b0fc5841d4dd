#include <array>
#include <memory>
#include <string>

#include "common/error.h"
#include "diffusion/ddim_sampler.h"
#include "diffusion/dpmpp_2m_sampler.h"
#include "diffusion/euler_ancestral_sampler.h"
#include "diffusion/euler_sampler.h"
#include "diffusion/plms_sampler.h"
#include "diffusion/sampler.h"
#include "diffusion/timestep_spacing.h"

namespace facemix {
namespace {

struct RegisteredSampler {
    const char* name;
    std::unique_ptr<Sampler> (*make)(const DiffusionSchedule&, const SamplerOptions&);
    // What the constructor refuses in the options, checked without building the sampler.
    void (*check_options)(const SamplerOptions&) = [](const SamplerOptions&) {};
};

template <typename S>
std::unique_ptr<Sampler> make(const DiffusionSchedule& schedule, const SamplerOptions& options) {
    return std::make_unique<S>(schedule, options);
}

template <bool karras>
std::unique_ptr<Sampler> make_dpmpp_2m(const DiffusionSchedule& schedule, const SamplerOptions& options) {
    return std::make_unique<DpmSolver2mSampler>(schedule, options, karras);
}

// One line per sampler, in the order users see them.
constexpr std::array registry{
    RegisteredSampler{"ddim", make<DdimSampler>, DdimSampler::check_options},
    RegisteredSampler{"plms", make<PlmsSampler>},
    RegisteredSampler{"euler", make<EulerSampler>},
    RegisteredSampler{"euler_a", make<EulerAncestralSampler>},
    RegisteredSampler{"dpmpp_2m", make_dpmpp_2m<false>},
    RegisteredSampler{"dpmpp_2m_karras", make_dpmpp_2m<true>},
};

const RegisteredSampler& registered(const std::string& name) {
    for (const auto& entry : registry)
        if (name == entry.name) return entry;
    std::string known;
    for (const auto& entry : registry) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw InputError("Unknown sampler \"" + name + "\" (known: " + known + ").");
}

}  // namespace

std::vector<std::string> sampler_names() {
    std::vector<std::string> names;
    for (const auto& entry : registry) names.emplace_back(entry.name);
    return names;
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, const DiffusionSchedule& schedule,
                                      const SamplerOptions& options) {
    return registered(name).make(schedule, options);
}

void check_sampler_settings(const std::string& name, const SamplerOptions& options, std::int64_t steps,
                            std::int64_t train_timesteps) {
    registered(name).check_options(options);
    check_step_count(steps, train_timesteps);
}

}  // namespace facemix
