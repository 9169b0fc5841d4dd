"""Writes the UNet and autoencoder goldens under tests/fixtures/unet/ and tests/fixtures/vae/.

A tiny random diffusers UNet2DConditionModel and AutoencoderKL (fixed seed, float32) are saved in both
namings the C++ loaders accept, with their diffusers config.json, inputs and reference outputs:

  unet/config.json                     diffusers config of the tiny UNet
  unet/diffusion_pytorch_model.safetensors   weights, diffusers names
  unet/ldm.safetensors                 the same weights, LDM names under model.diffusion_model.
  unet/reference.safetensors           inputs and outputs (see unet_reference)
  vae/...                              the same for the autoencoder (LDM prefix first_stage_model.)

The LDM naming is built here by our own diffusers→LDM map and then checked independently: diffusers'
own LDM→diffusers converter must turn it back into the original state dict. Run with the project venv:
    python tools/goldens/make_unet_vae_goldens.py
"""
import json
import re
from pathlib import Path

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint
from safetensors.torch import save_file

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
SEED = 20240611
SAMPLE_SEED = 1234  # the generator seed of the sampled encoding


def tiny_unet():
    return UNet2DConditionModel(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        block_out_channels=(16, 24),
        layers_per_block=1,
        cross_attention_dim=24,
        attention_head_dim=2,  # diffusers' SD 1 misnomer: two heads
        norm_num_groups=8,
    )


def tiny_vae():
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2,
        block_out_channels=(8, 16),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=16,
        scaling_factor=0.18215,
    )


def randomize(model):
    """Every parameter random, norms included, so a swapped or skipped tensor changes the output."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn_like(p) / fan_in**0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))


RESNET_TO_LDM = {"norm1": "in_layers.0", "conv1": "in_layers.2", "time_emb_proj": "emb_layers.1",
                 "norm2": "out_layers.0", "conv2": "out_layers.3", "conv_shortcut": "skip_connection"}


def unet_ldm_name(name, layers, up_attention):
    """diffusers → LDM (openaimodel.py) name of one UNet tensor."""
    def resnet(rest):
        head, tail = rest.split(".", 1)
        return f"{RESNET_TO_LDM[head]}.{tail}"

    fixed = {"time_embedding.linear_1.": "time_embed.0.", "time_embedding.linear_2.": "time_embed.2.",
             "conv_in.": "input_blocks.0.0.", "conv_norm_out.": "out.0.", "conv_out.": "out.2."}
    for diffusers, ldm in fixed.items():
        if name.startswith(diffusers):
            return ldm + name[len(diffusers):]
    if m := re.fullmatch(r"down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)", name):
        level, kind, j, rest = int(m[1]), m[2], int(m[3]), m[4]
        n = 1 + level * (layers + 1) + j
        return f"input_blocks.{n}.0.{resnet(rest)}" if kind == "resnets" else f"input_blocks.{n}.1.{rest}"
    if m := re.fullmatch(r"down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)", name):
        return f"input_blocks.{1 + int(m[1]) * (layers + 1) + layers}.0.op.{m[2]}"
    if m := re.fullmatch(r"mid_block\.(resnets|attentions)\.(\d+)\.(.*)", name):
        if m[1] == "attentions":
            return f"middle_block.1.{m[3]}"
        return f"middle_block.{2 * int(m[2])}.{resnet(m[3])}"
    if m := re.fullmatch(r"up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)", name):
        i, kind, j, rest = int(m[1]), m[2], int(m[3]), m[4]
        n = i * (layers + 1) + j
        return f"output_blocks.{n}.0.{resnet(rest)}" if kind == "resnets" else f"output_blocks.{n}.1.{rest}"
    if m := re.fullmatch(r"up_blocks\.(\d+)\.upsamplers\.0\.(.*)", name):
        i = int(m[1])
        return f"output_blocks.{i * (layers + 1) + layers}.{2 if up_attention[i] else 1}.{m[2]}"
    raise ValueError(f"no LDM name for {name}")


def vae_ldm_name(name, levels):
    """diffusers → LDM (ldm/modules/diffusionmodules/model.py) name of one autoencoder tensor."""
    def resnet(rest):
        return rest.replace("conv_shortcut.", "nin_shortcut.")

    if m := re.fullmatch(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", name):
        return f"encoder.down.{m[1]}.block.{m[2]}.{resnet(m[3])}"
    if m := re.fullmatch(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.(.*)", name):
        return f"encoder.down.{m[1]}.downsample.{m[2]}"
    if m := re.fullmatch(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", name):
        return f"decoder.up.{levels - 1 - int(m[1])}.block.{m[2]}.{resnet(m[3])}"
    if m := re.fullmatch(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", name):
        return f"decoder.up.{levels - 1 - int(m[1])}.upsample.{m[2]}"
    if m := re.fullmatch(r"(encoder|decoder)\.mid_block\.resnets\.(\d)\.(.*)", name):
        return f"{m[1]}.mid.block_{int(m[2]) + 1}.{resnet(m[3])}"
    attention = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}
    if m := re.fullmatch(r"(encoder|decoder)\.mid_block\.attentions\.0\.(group_norm|to_q|to_k|to_v|to_out\.0)\.(.*)", name):
        return f"{m[1]}.mid.attn_1.{attention[m[2]]}.{m[3]}"
    return name.replace("conv_norm_out.", "norm_out.")


def unet_to_ldm(state, config):
    up_attention = ["CrossAttn" in t for t in config["up_block_types"]]
    return {UNET_PREFIX + unet_ldm_name(k, config["layers_per_block"], up_attention): v for k, v in state.items()}


def vae_to_ldm(state, config):
    levels = len(config["block_out_channels"])
    ldm = {}
    for k, v in state.items():
        name = vae_ldm_name(k, levels)
        # LDM's middle attention projects with 1×1 convolutions.
        if ".mid.attn_1." in name and name.endswith("weight") and v.dim() == 2:
            v = v[:, :, None, None]
        ldm[VAE_PREFIX + name] = v
    return ldm


def assert_same_state(converted, state, what):
    assert converted.keys() == state.keys(), f"{what}: key sets differ: {set(converted) ^ set(state)}"
    for k in state:
        assert converted[k].shape == state[k].shape and torch.equal(converted[k], state[k]), f"{what}: {k} differs"


def save(tensors, path):
    save_file({k: v.detach().contiguous() for k, v in tensors.items()}, str(path))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def unet_reference(unet, generator):
    inputs = {
        "latents": torch.randn(2, 4, 8, 8, generator=generator),
        "timesteps": torch.tensor([10.0, 981.0]),
        "context_2": torch.randn(2, 2, 24, generator=generator),  # face + background tokens
        "context_5": torch.randn(2, 5, 24, generator=generator),  # image-mixer's several tokens
        # A size the downsampling does not divide: the up path must meet its skips at 7×9 again.
        "latents_odd": torch.randn(1, 4, 7, 9, generator=generator),
        "timesteps_odd": torch.tensor([500.0]),
    }
    with torch.inference_mode():
        outputs = {
            "eps_2": unet(inputs["latents"], inputs["timesteps"], inputs["context_2"]).sample,
            "eps_5": unet(inputs["latents"], inputs["timesteps"], inputs["context_5"]).sample,
            "eps_odd": unet(inputs["latents_odd"], inputs["timesteps_odd"], inputs["context_2"][:1]).sample,
        }
    return inputs | outputs


def vae_reference(vae, generator):
    scale = vae.config.scaling_factor
    image = torch.rand(1, 3, 16, 16, generator=generator) * 2 - 1
    latents = torch.randn(1, 4, 8, 8, generator=generator)
    with torch.inference_mode():
        posterior = vae.encode(image).latent_dist
        sampled = posterior.sample(generator=torch.Generator().manual_seed(SAMPLE_SEED))
        return {
            "image": image,
            "encoded_mean": posterior.mean * scale,
            "encoded_sampled": sampled * scale,
            "latents": latents,
            "decoded": vae.decode(latents / scale).sample,
        }


def write(model, to_ldm, converter, prefix, folder, reference):
    folder.mkdir(parents=True, exist_ok=True)
    config = dict(model.config)
    state = model.state_dict()
    ldm = to_ldm(state, config)
    assert_same_state(converter(ldm, config), state, f"diffusers' converter on our {folder.name} LDM names")
    model.save_config(folder)
    save(state, folder / "diffusion_pytorch_model.safetensors")
    save(ldm, folder / "ldm.safetensors")
    save(reference, folder / "reference.safetensors")
    print(f"{folder.name}: {sum(p.numel() for p in model.parameters())} parameters, LDM prefix {prefix!r}")


def main():
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    unet = tiny_unet().eval()
    randomize(unet)
    write(unet, unet_to_ldm, convert_ldm_unet_checkpoint, UNET_PREFIX, FIXTURES / "unet", unet_reference(unet, generator))
    vae = tiny_vae().eval()
    randomize(vae)
    write(vae, vae_to_ldm, convert_ldm_vae_checkpoint, VAE_PREFIX, FIXTURES / "vae", vae_reference(vae, generator))
    print(json.dumps({"torch": torch.__version__}))


if __name__ == "__main__":
    main()
