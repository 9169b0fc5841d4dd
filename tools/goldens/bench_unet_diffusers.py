"""Reference timing for `facemix bench unet`: one forward of diffusers' UNet2DConditionModel with the
full SD v1 config and random weights on CPU, batch 2 (the CFG pair), 2 condition tokens of width 768.
Prints one JSON line: {"res512_ms": ..., "res256_ms": ..., "torch": ..., "diffusers": ...}.
Needs diffusers in the facemix venv; `facemix bench unet` runs it and prints the ratio."""
import argparse
import json
import statistics
import time

import torch
import diffusers
from diffusers import UNet2DConditionModel


def sd_v1_unet():
    return UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=768, attention_head_dim=8)


def median_ms(runs, work):
    work()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--channels-last", action="store_true")
    args = parser.parse_args()
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    torch.manual_seed(0)
    unet = sd_v1_unet().to(dtype).eval()
    if args.channels_last:
        unet = unet.to(memory_format=torch.channels_last)
    context = torch.randn(2, 2, 768, dtype=dtype)
    timesteps = torch.full((2,), 500.0)
    result = {"torch": torch.__version__, "diffusers": diffusers.__version__}
    with torch.inference_mode():
        for latent in (64, 32):
            latents = torch.randn(2, 4, latent, latent, dtype=dtype)
            if args.channels_last:
                latents = latents.to(memory_format=torch.channels_last)
            result[f"res{latent * 8}_ms"] = median_ms(args.runs, lambda: unet(latents, timesteps, context))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
