"""Times one forward of diffusers' full-size SD v1 UNet on the CPU, the yardstick for `facemix bench unet`.

Random weights (timing does not depend on them), batch 2, a 2-token 768-wide context like the face
mixer's, latents 64×64 (512 px images) and 32×32 (256 px). One warm-up run, then the median of --runs.
Prints one JSON line: {"res512_ms": ..., "res256_ms": ..., "torch": "...", "threads": ...}.
    python tools/goldens/bench_unet_diffusers.py [--runs 3] [--threads N]
"""
import argparse
import json
import statistics
import time

import torch
from diffusers import UNet2DConditionModel


def sd_v1_unet():
    return UNet2DConditionModel(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        block_out_channels=(320, 640, 1280, 1280),
        layers_per_block=2,
        cross_attention_dim=768,
        attention_head_dim=8,
    ).eval()


def median_ms(unet, latent_size, runs):
    latents = torch.randn(2, 4, latent_size, latent_size)
    timesteps = torch.tensor([500.0, 500.0])
    context = torch.randn(2, 2, 768)
    with torch.inference_mode():
        unet(latents, timesteps, context)  # warm-up: allocator and kernel selection
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            unet(latents, timesteps, context)
            times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per resolution (default 3)")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    unet = sd_v1_unet()
    result = {
        "res512_ms": round(median_ms(unet, 64, args.runs), 1),
        "res256_ms": round(median_ms(unet, 32, args.runs), 1),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
