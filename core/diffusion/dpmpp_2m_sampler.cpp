#include "diffusion/dpmpp_2m_sampler.h"

#include <cmath>

#include <ATen/TensorOperators.h>

#include "diffusion/sampler_support.h"
#include "diffusion/timestep_spacing.h"

namespace facemix {
namespace {

// Karras et al. (2022) eq. 5: σ_i = (σ_max^(1/ρ) + i/(n−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ with ρ = 7.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, std::int64_t steps) {
    constexpr double rho = 7.0;
    const double min_inv_rho = std::pow(sigma_min, 1 / rho);
    const double max_inv_rho = std::pow(sigma_max, 1 / rho);
    std::vector<double> sigmas;
    for (std::int64_t i = 0; i < steps; ++i) {
        // np.linspace(0, 1, steps): i·step, the last point exactly 1.
        const double ramp = steps == 1 ? 0.0 : i == steps - 1 ? 1.0 : static_cast<double>(i) * (1.0 / static_cast<double>(steps - 1));
        sigmas.push_back(std::pow(max_inv_rho + ramp * (min_inv_rho - max_inv_rho), rho));
    }
    return sigmas;
}

// The variance-preserving scales of a σ: α = 1/sqrt(σ² + 1) and σ_vp = σ·α.
struct VpScales {
    double alpha;
    double sigma;
    double lambda() const { return std::log(alpha) - std::log(sigma); }
};

VpScales vp_scales(double sigma) {
    const double alpha = 1 / std::sqrt(sigma * sigma + 1);
    return {alpha, sigma * alpha};
}

}  // namespace

DpmSolver2mSampler::DpmSolver2mSampler(const DiffusionSchedule& schedule, const SamplerOptions& options,
                                       bool karras_sigmas)
    : schedule_(schedule), options_(options), karras_sigmas_(karras_sigmas) {}

void DpmSolver2mSampler::set_timesteps(std::int64_t steps) {
    const std::int64_t train = schedule_.train_timesteps();
    check_step_count(steps, train);
    sigmas_.clear();
    if (karras_sigmas_) {
        const auto& train_sigmas = schedule_.sigmas();
        timesteps_.clear();
        for (const double s : karras_sigmas(train_sigmas.front(), train_sigmas.back(), steps)) {
            sigmas_.push_back(static_cast<float>(s));
            timesteps_.push_back(std::nearbyint(schedule_.timestep_at_sigma(s)));
        }
    } else {
        if (options_.spacing == TimestepSpacing::Trailing) {
            timesteps_ = spaced_timesteps(options_.spacing, train, steps, options_.steps_offset, true);
        } else {
            timesteps_ = spaced_timesteps(options_.spacing, train, steps + 1, options_.steps_offset, true);
            timesteps_.pop_back();
        }
        for (const double t : timesteps_) sigmas_.push_back(static_cast<float>(schedule_.sigma_at(t)));
    }
    sigmas_.push_back(0.0);
    previous_x0_ = at::Tensor();
    previous_index_.reset();
}

double DpmSolver2mSampler::sigma(std::size_t i) const {
    require_step_index(i, timesteps_.size(), name());
    return sigmas_[i];
}

at::Tensor DpmSolver2mSampler::add_noise(const at::Tensor& x0, const at::Tensor& noise, std::size_t i) const {
    const VpScales s = vp_scales(sigma(i));
    return x0 * s.alpha + noise * s.sigma;
}

at::Tensor DpmSolver2mSampler::scale_model_input(const at::Tensor& x, std::size_t i) const {
    require_step_index(i, timesteps_.size(), name());
    return x;
}

at::Tensor DpmSolver2mSampler::step(const at::Tensor& eps, std::size_t i, const at::Tensor& x,
                                    std::optional<at::Generator> /*generator*/) {
    const VpScales s0 = vp_scales(sigma(i));
    const at::Tensor sample = in_working_precision(x);
    const at::Tensor x0 = (sample - in_working_precision(eps) * s0.sigma) / s0.alpha;
    const bool has_previous = previous_x0_.defined() && previous_index_ && *previous_index_ + 1 == i;
    const at::Tensor previous = has_previous ? previous_x0_ : at::Tensor();
    previous_x0_ = x0;
    previous_index_ = i;

    const double next = sigmas_[i + 1];
    // The last step lands on σ = 0, where λ is infinite and the first-order update reduces to x0.
    if (next == 0) return x0.to(x.scalar_type());
    const VpScales t = vp_scales(next);
    const double h = t.lambda() - s0.lambda();
    const double x0_coefficient = -t.alpha * std::expm1(-h);  // −α_t(e^(−h) − 1)
    at::Tensor prev = sample * (t.sigma / s0.sigma) + x0 * x0_coefficient;
    // The first step has no earlier x0 and the last is first order (lower_order_final), as diffusers.
    if (previous.defined() && i + 1 < timesteps_.size()) {
        const VpScales s1 = vp_scales(sigmas_[i - 1]);
        const double r0 = (s0.lambda() - s1.lambda()) / h;
        // D1 = (x0 − x0_prev)/r0, added with half the x0 coefficient (the midpoint variant).
        prev = prev + (x0 - previous) * (0.5 * x0_coefficient / r0);
    }
    return prev.to(x.scalar_type());
}

}  // namespace facemix
