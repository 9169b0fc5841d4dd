#include "diffusion/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "diffusion/noise_schedule.h"
#include "diffusion/timestep_spacing.h"
#include "nn/fixture_tensors.h"

// The samplers against diffusers 0.42.1's schedulers: whole trajectories recorded by
// tools/goldens/make_sampler_goldens.py with a stand-in for the UNet that this test evaluates the same way.

namespace facemix {
namespace {

constexpr double fp32_tolerance = 1e-4;

const nlohmann::json& index() {
    static const nlohmann::json json = test::fixture_json("diffusion/cases.json");
    return json;
}

const TensorMap& inputs() {
    static const TensorMap tensors = test::fixture_tensors("diffusion/inputs.safetensors");
    return tensors;
}

// The same function as stand_in_model in the golden script, with the same operations in the same order.
at::Tensor stand_in_model(const at::Tensor& x, double t) {
    return at::tanh(x * 0.7) * (0.5 + t / 2000.0) + at::cos(x * (t / 500.0)) * 0.1;
}

DiffusionSchedule sd_v1_schedule() { return DiffusionSchedule(NoiseSchedule{}); }

struct Case {
    std::string file;
    std::string sampler;
    NoiseSchedule schedule;  // SD v1's unless the case names another (the pixel-space DDIM cases)
    SamplerOptions options;
    std::int64_t steps = 0;
    std::optional<double> strength;
    std::size_t start_index = 0;
    std::vector<double> timesteps;
};

std::vector<Case> golden_cases() {
    std::vector<Case> cases;
    for (const auto& c : index().at("cases")) {
        Case golden;
        golden.file = c.at("file").get<std::string>();
        golden.sampler = c.at("sampler").get<std::string>();
        const auto& schedule = c.at("schedule");
        golden.schedule.beta_schedule = schedule.at("beta_schedule").get<std::string>();
        golden.schedule.beta_start = schedule.at("beta_start").get<double>();
        golden.schedule.beta_end = schedule.at("beta_end").get<double>();
        golden.schedule.clip_sample = schedule.at("clip_sample").get<bool>();
        golden.options.spacing = timestep_spacing_from_name(c.at("spacing").get<std::string>());
        golden.options.steps_offset = c.at("steps_offset").get<std::int64_t>();
        golden.options.eta = c.at("eta").get<double>();
        golden.steps = c.at("steps").get<std::int64_t>();
        if (!c.at("strength").is_null()) golden.strength = c.at("strength").get<double>();
        golden.start_index = c.at("start_index").get<std::size_t>();
        golden.timesteps = c.at("timesteps").get<std::vector<double>>();
        cases.push_back(golden);
    }
    return cases;
}

// x at every step of one run on `device`: [steps run + 1, B, C, H, W] on the CPU, the start first.
at::Tensor run_trajectory(Sampler& sampler, const Case& golden, std::size_t start, at::Device device = at::kCPU) {
    const at::Tensor noise = inputs().at("noise").to(device);
    at::Tensor x = golden.strength ? sampler.add_noise(inputs().at("x0").to(device), noise, start)
                                   : sampler.scale_initial_noise(noise);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(index().at("step_seed").get<std::uint64_t>());
    std::vector<at::Tensor> trajectory{x};
    const auto& timesteps = sampler.timesteps();
    for (std::size_t i = start; i < timesteps.size(); ++i) {
        const at::Tensor eps = stand_in_model(sampler.scale_model_input(x, i), timesteps[i]);
        x = sampler.step(eps, i, x, generator);
        trajectory.push_back(x);
    }
    return at::stack(trajectory).cpu();
}

class SamplerGolden : public testing::TestWithParam<Case> {};

TEST_P(SamplerGolden, MatchesDiffusersAtEveryStep) {
    const Case& golden = GetParam();
    auto sampler = make_sampler(golden.sampler, DiffusionSchedule(golden.schedule), golden.options);
    sampler->set_timesteps(golden.steps);
    EXPECT_EQ(sampler->inference_steps(), golden.steps);
    ASSERT_EQ(sampler->timesteps().size(), golden.timesteps.size());
    for (std::size_t i = 0; i < golden.timesteps.size(); ++i)
        EXPECT_EQ(sampler->timesteps()[i], golden.timesteps[i]) << "timestep " << i;

    std::size_t start = 0;
    if (golden.strength) {
        start = sdedit_start_index(*sampler, *golden.strength);
        ASSERT_EQ(start, golden.start_index);
    }
    const at::Tensor expected = test::fixture_tensors("diffusion/" + golden.file).at("trajectory");
    const at::Tensor actual = run_trajectory(*sampler, golden, start);
    ASSERT_EQ(actual.sizes(), expected.sizes());
    ASSERT_EQ(actual.scalar_type(), at::kFloat);
    double worst = 0;
    for (std::int64_t k = 0; k < expected.size(0); ++k) {
        const double error = test::max_abs_error(actual[k], expected[k]);
        EXPECT_LE(error, fp32_tolerance) << "after " << k << " steps";
        worst = std::max(worst, error);
    }
    std::printf("[ diffusers ] %-45s %2lld steps  max |C++ - diffusers| = %.3g\n", golden.file.c_str(),
                static_cast<long long>(expected.size(0) - 1), worst);

    // set_timesteps starts over: a second run on the same sampler (multistep history, PLMS warm-up and
    // all) gives the same trajectory, bit for bit.
    sampler->set_timesteps(golden.steps);
    EXPECT_TRUE(at::equal(run_trajectory(*sampler, golden, start), actual));
}

// The same runs with the samples on a CUDA device: the step noise is still drawn on the CPU, so the
// trajectories agree with diffusers' CPU-generator runs there too.
TEST_P(SamplerGolden, MatchesDiffusersOnCuda) {
    if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device";
    const Case& golden = GetParam();
    auto sampler = make_sampler(golden.sampler, DiffusionSchedule(golden.schedule), golden.options);
    sampler->set_timesteps(golden.steps);
    const std::size_t start = golden.strength ? sdedit_start_index(*sampler, *golden.strength) : 0;
    const at::Tensor expected = test::fixture_tensors("diffusion/" + golden.file).at("trajectory");
    const at::Tensor actual = run_trajectory(*sampler, golden, start, at::kCUDA);
    ASSERT_EQ(actual.sizes(), expected.sizes());
    const double error = test::max_abs_error(actual, expected);
    EXPECT_LE(error, fp32_tolerance);
    std::printf("[ diffusers ] %-45s on CUDA: max |C++ - diffusers| = %.3g\n", golden.file.c_str(), error);
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
    std::string name = info.param.file.substr(0, info.param.file.find('.'));
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Diffusers, SamplerGolden, testing::ValuesIn(golden_cases()), case_name);

TEST(DiffusionSchedule, MatchesDiffusersFloat32Schedules) {
    const auto probe = index().at("probe_timesteps").get<std::vector<std::size_t>>();
    for (const std::string beta_schedule : {"scaled_linear", "linear"}) {
        NoiseSchedule config;
        config.beta_schedule = beta_schedule;
        const DiffusionSchedule schedule(config);
        ASSERT_EQ(schedule.train_timesteps(), 1000);
        const auto expected = index().at("alphas_cumprod").at(beta_schedule).get<std::vector<double>>();
        for (std::size_t k = 0; k < probe.size(); ++k)
            EXPECT_EQ(schedule.alphas_cumprod()[probe[k]], expected[k]) << beta_schedule << " t=" << probe[k];
    }
}

TEST(DiffusionSchedule, SigmaAndTimestepInvertEachOther) {
    const DiffusionSchedule schedule = sd_v1_schedule();
    EXPECT_EQ(schedule.sigma_at(500), schedule.sigmas()[500]);
    EXPECT_DOUBLE_EQ(schedule.sigma_at(500.25), 0.75 * schedule.sigmas()[500] + 0.25 * schedule.sigmas()[501]);
    EXPECT_EQ(schedule.sigma_at(-3), schedule.sigmas().front());
    EXPECT_EQ(schedule.sigma_at(5000), schedule.sigmas().back());
    for (const double t : {0.0, 1.0, 250.0, 998.0, 999.0})
        EXPECT_NEAR(schedule.timestep_at_sigma(schedule.sigma_at(t)), t, 1e-4) << t;
}

TEST(DiffusionSchedule, RejectsWhatItCannotRun) {
    NoiseSchedule cosine;
    cosine.beta_schedule = "squaredcos_cap_v2";
    EXPECT_THROW(DiffusionSchedule{cosine}, InputError);
    NoiseSchedule v_prediction;
    v_prediction.prediction = "v_prediction";
    EXPECT_THROW(DiffusionSchedule{v_prediction}, InputError);
    NoiseSchedule empty;
    empty.train_timesteps = 0;
    EXPECT_THROW(DiffusionSchedule{empty}, InputError);
}

TEST(SamplerRegistry, NamesTheSixSamplersInOrder) {
    const std::vector<std::string> expected{"ddim", "plms", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"};
    EXPECT_EQ(sampler_names(), expected);
    for (const auto& name : sampler_names()) EXPECT_EQ(make_sampler(name, sd_v1_schedule())->name(), name);
}

TEST(SamplerRegistry, UnknownNameThrowsInputErrorListingTheNames) {
    try {
        make_sampler("heun", sd_v1_schedule());
        FAIL() << "no InputError";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("heun"), std::string::npos) << message;
        for (const auto& name : sampler_names()) EXPECT_NE(message.find(name), std::string::npos) << message;
    }
}

TEST(SamplerRegistry, RejectsBadStepCountsAndEta) {
    for (const auto& name : sampler_names()) {
        auto sampler = make_sampler(name, sd_v1_schedule());
        EXPECT_THROW(sampler->set_timesteps(0), InputError) << name;
        EXPECT_THROW(sampler->set_timesteps(1001), InputError) << name;
    }
    SamplerOptions options;
    options.eta = -0.5;
    EXPECT_THROW(make_sampler("ddim", sd_v1_schedule(), options), InputError);
}

// The check jobs run once where their settings come in refuses exactly what building the sampler and
// setting its timesteps would.
TEST(SamplerRegistry, SettingsCheckRefusesWhatTheSamplerWould) {
    for (const auto& name : sampler_names()) {
        EXPECT_NO_THROW(check_sampler_settings(name, {}, 1, 1000)) << name;
        EXPECT_NO_THROW(check_sampler_settings(name, {}, 50, 50)) << name;
        EXPECT_THROW(check_sampler_settings(name, {}, 0, 1000), InputError) << name;
        EXPECT_THROW(check_sampler_settings(name, {}, 51, 50), InputError) << name;
    }
    SamplerOptions options;
    options.eta = 1.5;
    EXPECT_THROW(check_sampler_settings("ddim", options, 20, 1000), InputError);
    EXPECT_NO_THROW(check_sampler_settings("euler", options, 20, 1000));  // only DDIM reads eta
    EXPECT_THROW(check_sampler_settings("heun", {}, 20, 1000), InputError);
}

TEST(SdeditStartIndex, StrengthZeroRunsNothingAndOneRunsEverything) {
    for (const auto& name : sampler_names()) {
        auto sampler = make_sampler(name, sd_v1_schedule());
        sampler->set_timesteps(20);
        EXPECT_EQ(sdedit_start_index(*sampler, 0.0), sampler->timesteps().size()) << name;
        EXPECT_EQ(sdedit_start_index(*sampler, 1.0), 0u) << name;
        EXPECT_EQ(sdedit_start_index(*sampler, 0.5), 10u) << name;
        EXPECT_EQ(sdedit_start_index(*sampler, 0.04), sampler->timesteps().size()) << name;  // int(0.8) = 0
        EXPECT_THROW(sdedit_start_index(*sampler, 1.5), InputError) << name;
        EXPECT_THROW(sdedit_start_index(*sampler, -0.1), InputError) << name;
    }
}

TEST(TimestepSpacing, NamesRoundTripAndUnknownNamesThrow) {
    for (const auto spacing : {TimestepSpacing::Leading, TimestepSpacing::Trailing, TimestepSpacing::Linspace})
        EXPECT_EQ(timestep_spacing_from_name(timestep_spacing_name(spacing)), spacing);
    EXPECT_THROW(timestep_spacing_from_name("karras"), InputError);
}

TEST(TimestepSpacing, TrailingAlwaysGivesTheRequestedCountOfValidTimesteps) {
    // numpy's arange gives 62 values for 61 steps, the last −1; here every count gives exactly that many.
    for (std::int64_t steps = 1; steps <= 1000; ++steps) {
        const auto timesteps = spaced_timesteps(TimestepSpacing::Trailing, 1000, steps, 0, true);
        ASSERT_EQ(timesteps.size(), static_cast<std::size_t>(steps));
        EXPECT_EQ(timesteps.front(), 999);
        EXPECT_GE(timesteps.back(), 0) << steps;
        EXPECT_TRUE(std::is_sorted(timesteps.rbegin(), timesteps.rend())) << steps;
    }
}

TEST(SamplerPrecision, HalfPrecisionSamplesStayHalfAndAgreeWithFloat) {
    const at::Tensor noise = inputs().at("noise");
    for (const auto& name : sampler_names()) {
        auto sampler = make_sampler(name, sd_v1_schedule());
        sampler->set_timesteps(5);
        const at::Tensor x = sampler->scale_initial_noise(noise);
        const at::Tensor eps = stand_in_model(sampler->scale_model_input(x, 0), sampler->timesteps()[0]);
        const at::Tensor full = sampler->step(eps, 0, x, at::make_generator<at::CPUGeneratorImpl>(7));
        sampler->set_timesteps(5);
        const at::Tensor half = sampler->step(eps.to(at::kHalf), 0, x.to(at::kHalf), at::make_generator<at::CPUGeneratorImpl>(7));
        EXPECT_EQ(half.scalar_type(), at::kHalf) << name;
        EXPECT_LE(test::max_abs_error(half, full), 2e-2) << name;
    }
}

}  // namespace
}  // namespace facemix
