"""Reference timing for `facemix bench train`: one training step (forward, ε-MSE loss, backward,
torch.optim.AdamW step) of diffusers' UNet2DConditionModel with random weights, built from the facemix
UNet config given as JSON (the field names of core/nn/unet_config.h), on the same data shapes as facemix.
bf16 means autocast with fp32 master weights, as the facemix trainer does.
Prints one JSON line: {"step_ms": ..., "peak_gib": ..., "torch": ..., "diffusers": ...}; peak_gib is this
process's max RSS on the CPU (Python, torch, the model, its gradients, the AdamW moments and the step's
activations) and torch.cuda.max_memory_allocated on CUDA.
Needs diffusers in the facemix venv; `facemix bench train` runs it and prints the ratio."""
import argparse
import json
import resource
import statistics
import time

import torch
import diffusers
from diffusers import UNet2DConditionModel


def diffusers_unet(config):
    """The UNet2DConditionModel of a facemix UNetConfig (SD 1/2 family: attention_head_dim is heads)."""
    levels = len(config["block_out_channels"])
    down = tuple("CrossAttnDownBlock2D" if attends else "DownBlock2D" for attends in config["cross_attention"])
    up = tuple("CrossAttnUpBlock2D" if attends else "UpBlock2D" for attends in reversed(config["cross_attention"]))
    return UNet2DConditionModel(
        in_channels=config["in_channels"], out_channels=config["out_channels"],
        block_out_channels=tuple(config["block_out_channels"]), layers_per_block=config["layers_per_block"],
        down_block_types=down, up_block_types=up, attention_head_dim=tuple(config["attention_heads"]),
        transformer_layers_per_block=config["transformer_depth"], cross_attention_dim=config["context_dim"],
        norm_num_groups=config["norm_groups"], norm_eps=config["norm_eps"],
        use_linear_projection=config["linear_projection"], flip_sin_to_cos=config["flip_sin_to_cos"],
        freq_shift=config["freq_shift"], sample_size=2 ** (levels - 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unet-config", required=True, help="facemix UNetConfig as JSON")
    parser.add_argument("--latent", type=int, required=True, help="latent side (pixels / 8)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=2)
    parser.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    config = json.loads(args.unet_config)
    device = torch.device(args.device)
    torch.manual_seed(0)
    unet = diffusers_unet(config).to(device).train()
    optimizer = torch.optim.AdamW(unet.parameters(), lr=1e-4, weight_decay=1e-2)
    latents = torch.randn(args.batch, config["in_channels"], args.latent, args.latent, device=device)
    noise = torch.randn(args.batch, config["out_channels"], args.latent, args.latent, device=device)
    timesteps = torch.randint(0, 1000, (args.batch,), device=device)
    context = torch.randn(args.batch, args.tokens, config["context_dim"], device=device)

    def step():
        with torch.autocast(args.device, dtype=torch.bfloat16, enabled=args.dtype == "bf16"):
            predicted = unet(latents, timesteps, context).sample
        loss = (predicted.float() - noise).pow(2).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if device.type == "cuda":
            torch.cuda.synchronize()

    step()  # warm-up
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000.0)
    if device.type == "cuda":
        peak_gib = torch.cuda.max_memory_allocated() / 2 ** 30
    else:
        peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20  # KiB on Linux
    print(json.dumps({"step_ms": statistics.median(times), "peak_gib": peak_gib,
                      "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "diffusers": diffusers.__version__}))


if __name__ == "__main__":
    main()
