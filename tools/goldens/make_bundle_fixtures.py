"""Builds tests/fixtures/bundle/tiny_face_mixer.ckpt: a face-mixer checkpoint laid out exactly as the
original LDM training code saves one (Lightning dict, `state_dict` with model.diffusion_model.*,
first_stage_model.*, cond_stage_model.encoder.model.visual.* from FaceClipEncoder, EMA copies and
schedule buffers), assembled from the per-network golden fixtures so the C++ tests can check every
network of the imported model against the references those fixtures already carry.

Run after make_unet_vae_goldens.py and make_clip_goldens.py:
  ~/.local/share/facemix/venv/bin/python tools/goldens/make_bundle_fixtures.py
"""
from pathlib import Path

import torch
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def scaled_linear_betas(start=0.00085, end=0.012, steps=1000):
    return torch.linspace(start ** 0.5, end ** 0.5, steps, dtype=torch.float64) ** 2


def main():
    unet = load_file(FIXTURES / "unet" / "ldm.safetensors")
    vae = load_file(FIXTURES / "vae" / "ldm.safetensors")
    clip = load_file(FIXTURES / "clip" / "quick_gelu_openai.safetensors")

    state = {}
    # The UNet and VAE fixtures already carry LDM's model.diffusion_model. / first_stage_model. prefixes.
    state.update(unet)
    state.update(vae)
    # FaceClipEncoder -> FrozenCLIPImageEmbedder -> OpenAI CLIP model (text tower deleted, its
    # embeddings kept, as in the original code).
    state.update({f"cond_stage_model.encoder.model.{k}": v for k, v in clip.items()})
    state["cond_stage_model.encoder.model.token_embedding.weight"] = torch.zeros(8, 16)
    # LDM keeps EMA weights under flattened names and the schedule as buffers.
    for k, v in list(unet.items())[:3]:
        state["model_ema." + k.removeprefix("model.").replace(".", "")] = v.clone()
    betas = scaled_linear_betas()
    state["betas"] = betas.float()
    state["alphas_cumprod"] = torch.cumprod(1 - betas, 0).float()

    checkpoint = {"state_dict": state, "global_step": 1234, "epoch": 3, "pytorch-lightning_version": "1.4.2"}
    out = FIXTURES / "bundle" / "tiny_face_mixer.ckpt"
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, out)
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(state)} tensors)")


if __name__ == "__main__":
    main()
