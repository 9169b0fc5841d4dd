"""Reference timing for `facemix bench mix --vs-diffusers`: the same grid through diffusers'
StableDiffusionImageVariationPipeline (CLIP ViT-L/14 image encoder, SD v1 UNet and VAE, random
weights), DDIM, the same steps, size and guidance, on the same device and dtype.

What a user waits for, measured as the bench measures facemix: a first cell on a freshly loaded
pipeline (one image embedded, sampled with CFG, decoded), then `--cells` cells in one batch.
The pipeline embeds one image per cell and conditions its UNet on one token, where facemix's mixer
embeds two (the face crop and the masked background) and cross-attends to both: the method's own
cost, which shows in a first cell at small sizes and is a rounding error of the UNet's time at 512 px.
Prints one JSON line: {"first_cell_s", "batched_cells_per_min", "torch", "diffusers", ...}.
Needs diffusers and transformers in the facemix venv (README: Notes for developers)."""
import argparse
import json
import time

import diffusers
import numpy as np
import torch
from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionImageVariationPipeline, UNet2DConditionModel
from PIL import Image
from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def sd_v1_pipeline():
    unet = UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=768, attention_head_dim=8)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, sample_size=512,
        block_out_channels=(128, 256, 512, 512),
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16,
        patch_size=14, image_size=224, projection_dim=768))
    # SD v1's schedule, as the image-variations model ships it.
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    return StableDiffusionImageVariationPipeline(
        vae=vae, image_encoder=encoder, unet=unet, scheduler=scheduler, safety_checker=None,
        feature_extractor=CLIPImageProcessor(crop_size=224, size=224), requires_safety_checker=False)


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="fp32")
    parser.add_argument("--resolution", type=int, default=512)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--cells", type=int, default=9)
    parser.add_argument("--guidance", type=float, default=3.0)
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    pipe = sd_v1_pipeline().to(device=device, dtype=DTYPES[args.dtype])
    pipe.set_progress_bar_config(disable=True)
    rng = np.random.default_rng(0)
    photos = [Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)) for _ in range(args.cells)]

    def run(images):
        start = time.perf_counter()
        pipe(images, height=args.resolution, width=args.resolution, num_inference_steps=args.steps,
             guidance_scale=args.guidance, generator=torch.Generator(device="cpu").manual_seed(0), output_type="np")
        synchronize(device)
        return time.perf_counter() - start

    with torch.inference_mode():
        first = run(photos[:1])
        batched = run(photos)
    print(json.dumps({"first_cell_s": first, "batched_cells_per_min": 60.0 * args.cells / batched,
                      "torch": torch.__version__, "diffusers": diffusers.__version__,
                      "device": str(device), "dtype": args.dtype}))


if __name__ == "__main__":
    main()
