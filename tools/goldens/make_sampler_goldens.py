"""Builds tests/fixtures/diffusion/: whole sampling trajectories of diffusers' schedulers, configured as
Stable Diffusion v1 uses them, driven by a deterministic stand-in for the UNet that the C++ test
(tests/diffusion/sampler_test.cpp) evaluates the same way, so core/diffusion's samplers can be
compared with diffusers step by step.

For every sampler there are runs at several timestep spacings and step counts, and one SDEdit run
(diffusers img2img's start: the last int(steps * strength) steps, add_noise at the first of them,
set_begin_index for the schedulers that have it). Stochastic samplers draw their noise from a CPU
torch.Generator seeded with STEP_SEED, which the C++ test reproduces with a seeded CPU generator.

Run with the project's venv (torch, diffusers 0.42.1):
  ~/.local/share/facemix/venv/bin/python tools/goldens/make_sampler_goldens.py
"""
import json
from pathlib import Path

import diffusers
import torch
from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    PNDMScheduler,
)
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "diffusion"

SHAPE = (1, 4, 6, 6)
NOISE_SEED = 0  # the initial noise
X0_SEED = 1  # the clean sample SDEdit starts from
STEP_SEED = 1234  # the generator handed to every step
STEPS_OFFSET = 1  # SD v1's scheduler config; only "leading" spacing uses it
SDEDIT_STRENGTH = 0.6

# SD v1's training schedule.
SCHEDULE = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")

# Pixel-space models (facemix train's tiny-pixel): DDPM's linear schedule, DDIM clamping its x0 estimate.
PIXEL_SCHEDULE = dict(beta_schedule="linear", beta_start=0.0001, beta_end=0.02)

# case name -> (scheduler class, extra config, extra step() arguments); the facemix sampler is the name
# without its _eta1 / _clip suffix.
SAMPLERS = {
    "ddim": (DDIMScheduler, dict(clip_sample=False, set_alpha_to_one=False), dict(eta=0.0)),
    "ddim_clip": (DDIMScheduler, dict(PIXEL_SCHEDULE, clip_sample=True, set_alpha_to_one=False), dict(eta=0.0)),
    "ddim_eta1": (DDIMScheduler, dict(clip_sample=False, set_alpha_to_one=False), dict(eta=1.0)),
    "plms": (PNDMScheduler, dict(skip_prk_steps=True, set_alpha_to_one=False), {}),
    "euler": (EulerDiscreteScheduler, {}, {}),
    "euler_a": (EulerAncestralDiscreteScheduler, {}, {}),
    "dpmpp_2m": (DPMSolverMultistepScheduler, dict(algorithm_type="dpmsolver++", solver_order=2), {}),
    "dpmpp_2m_karras": (
        DPMSolverMultistepScheduler,
        dict(algorithm_type="dpmsolver++", solver_order=2, use_karras_sigmas=True),
        {},
    ),
}

# (spacing, steps, SDEdit strength or None)
RUNS = [("leading", 25, None), ("trailing", 10, None), ("linspace", 12, None), ("leading", 10, SDEDIT_STRENGTH)]


def stand_in_model(x, t):
    """Nonlinear in x and t, cheap, and written with ops the C++ test repeats in the same order."""
    t = float(t)
    return torch.tanh(x * 0.7) * (0.5 + t / 2000.0) + torch.cos(x * (t / 500.0)) * 0.1


def run(name, spacing, steps, strength, noise, x0):
    cls, config, step_args = SAMPLERS[name]
    scheduler = cls(**dict(SCHEDULE, **config), timestep_spacing=spacing, steps_offset=STEPS_OFFSET)
    scheduler.set_timesteps(steps)
    timesteps = scheduler.timesteps
    if strength is None:
        start = 0
        x = noise * scheduler.init_noise_sigma
    else:  # as StableDiffusionImg2ImgPipeline.get_timesteps / prepare_latents
        init_timestep = min(int(steps * strength), steps)
        start = max(steps - init_timestep, 0) * scheduler.order
        if hasattr(scheduler, "set_begin_index"):
            scheduler.set_begin_index(start)
        x = scheduler.add_noise(x0, noise, timesteps[start : start + 1])
    generator = torch.Generator().manual_seed(STEP_SEED)
    if "generator" in scheduler.step.__code__.co_varnames:
        step_args = dict(step_args, generator=generator)
    trajectory = [x]
    for t in timesteps[start:]:
        eps = stand_in_model(scheduler.scale_model_input(x, t), t)
        x = scheduler.step(eps, t, x, **step_args).prev_sample
        trajectory.append(x)
    return [float(t) for t in timesteps], start, torch.stack(trajectory).contiguous()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    noise = torch.randn(SHAPE, generator=torch.Generator().manual_seed(NOISE_SEED))
    x0 = torch.randn(SHAPE, generator=torch.Generator().manual_seed(X0_SEED)) * 0.8
    save_file({"noise": noise, "x0": x0}, OUT / "inputs.safetensors")
    cases = []
    for name, (_, config, step_args) in SAMPLERS.items():
        for spacing, steps, strength in RUNS:
            timesteps, start, trajectory = run(name, spacing, steps, strength, noise, x0)
            file = f"{name}_{spacing}_{steps}" + ("_sdedit" if strength is not None else "") + ".safetensors"
            save_file({"trajectory": trajectory}, OUT / file)
            cases.append(
                dict(
                    file=file,
                    sampler=name.removesuffix("_eta1").removesuffix("_clip"),
                    schedule=dict(
                        beta_schedule=config.get("beta_schedule", SCHEDULE["beta_schedule"]),
                        beta_start=config.get("beta_start", SCHEDULE["beta_start"]),
                        beta_end=config.get("beta_end", SCHEDULE["beta_end"]),
                        clip_sample=config.get("clip_sample", False),
                    ),
                    eta=step_args.get("eta", 0.0),
                    spacing=spacing,
                    steps_offset=STEPS_OFFSET,
                    steps=steps,
                    strength=strength,
                    start_index=start,
                    timesteps=timesteps,
                )
            )
    # The training schedules at a few timesteps, for both beta schedules (float32, as diffusers keeps them).
    probe = [0, 1, 2, 250, 499, 500, 998, 999]
    alphas_cumprod = {}
    for beta_schedule in ("scaled_linear", "linear"):
        scheduler = DDIMScheduler(**dict(SCHEDULE, beta_schedule=beta_schedule))
        alphas_cumprod[beta_schedule] = [float(scheduler.alphas_cumprod[t]) for t in probe]
    index = dict(
        generated_by=f"tools/goldens/make_sampler_goldens.py with diffusers {diffusers.__version__}, torch {torch.__version__}",
        step_seed=STEP_SEED,
        probe_timesteps=probe,
        alphas_cumprod=alphas_cumprod,
        cases=cases,
    )
    (OUT / "cases.json").write_text(json.dumps(index, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(cases)} cases to {OUT} ({total} bytes)")


if __name__ == "__main__":
    main()
