#!/usr/bin/env python3
"""Golden fixtures for the CLIP vision encoder (tests/nn/clip_vision_test.cpp).

For two tiny random configurations (QuickGELU as in OpenAI's models, exact GELU as in the LAION
open_clip ones) this writes, into tests/fixtures/clip/:
  <name>_hf.safetensors       weights in transformers naming
  <name>_openai.safetensors   the same weights in OpenAI / open_clip naming (visual.*)
  <name>_reference.safetensors  image (a [-1, 1] batch of a non-square, non-native size),
                              pixel_values (the face-mixer preprocessing of it) and image_embeds
                              (transformers' CLIPVisionModelWithProjection on pixel_values)
The "quick_gelu" files are whole CLIP checkpoints (text tower included), the way users hand them
over; the "gelu" files hold the vision tower only.

The OpenAI-named weights are converted here and then checked independently: they are loaded into
open_clip's own model, whose image features must match transformers'. References are computed in
float64 and stored as float32 so the C++ side compares against the exact function, not against
another float32 rounding.

Run with the reference venv: /root/.local/share/facemix/venv/bin/python tools/goldens/make_clip_goldens.py
"""
import pathlib

import open_clip
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import CLIPConfig, CLIPModel, CLIPTextConfig, CLIPVisionConfig, CLIPVisionModelWithProjection

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "clip"
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
HEAD_WIDTH = 16  # tiny heads; the C++ config inference takes the head width as a parameter (64 for real models)

CONFIGS = {
    "quick_gelu": dict(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, intermediate_size=64,
                       projection_dim=16, hidden_act="quick_gelu", full_checkpoint=True),
    "gelu": dict(image_size=24, patch_size=6, hidden_size=48, num_hidden_layers=1, intermediate_size=96,
                 projection_dim=8, hidden_act="gelu", full_checkpoint=False),
}
TEXT = dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
            max_position_embeddings=8, bos_token_id=1, eos_token_id=2, pad_token_id=0)


def randomise(model: torch.nn.Module) -> None:
    """Replaces the near-identity default initialisation so every weight visibly changes the output."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.normal_(0.0, p[0].numel() ** -0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            else:
                p.normal_(0.0, 0.1)


def preprocess(image: torch.Tensor, size: int) -> torch.Tensor:
    """The original face-mixer preprocessing (kornia resize with bicubic, align_corners=True, no antialias)."""
    x = F.interpolate(image, size=(size, size), mode="bicubic", align_corners=True)
    x = (x + 1.0) / 2.0
    mean = torch.tensor(CLIP_MEAN, dtype=x.dtype).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=x.dtype).view(1, 3, 1, 1)
    return (x - mean) / std


def to_openai(vision: dict) -> dict:
    """transformers vision tower names -> OpenAI / open_clip names under visual.*"""
    out = {}
    rename = {
        "vision_model.embeddings.patch_embedding.weight": "conv1.weight",
        "vision_model.embeddings.class_embedding": "class_embedding",
        "vision_model.embeddings.position_embedding.weight": "positional_embedding",
        "vision_model.pre_layrnorm.weight": "ln_pre.weight",
        "vision_model.pre_layrnorm.bias": "ln_pre.bias",
        "vision_model.post_layernorm.weight": "ln_post.weight",
        "vision_model.post_layernorm.bias": "ln_post.bias",
    }
    layer_parts = {
        "layer_norm1": "ln_1", "layer_norm2": "ln_2", "self_attn.out_proj": "attn.out_proj",
        "mlp.fc1": "mlp.c_fc", "mlp.fc2": "mlp.c_proj",
    }
    layers = {int(k.split(".")[3]) for k in vision if k.startswith("vision_model.encoder.layers.")}
    for k, v in vision.items():
        if k in rename:
            out[rename[k]] = v
    out["proj"] = vision["visual_projection.weight"].t()
    for n in sorted(layers):
        src = f"vision_model.encoder.layers.{n}."
        dst = f"transformer.resblocks.{n}."
        for part, theirs in layer_parts.items():
            for leaf in ("weight", "bias"):
                out[dst + theirs + "." + leaf] = vision[src + part + "." + leaf]
        for leaf in ("weight", "bias"):
            out[dst + "attn.in_proj_" + leaf] = torch.cat(
                [vision[src + f"self_attn.{p}_proj.{leaf}"] for p in ("q", "k", "v")], dim=0)
    return {"visual." + k: v.contiguous() for k, v in out.items()}


def open_clip_model(cfg: dict) -> open_clip.model.CLIP:
    vision_cfg = open_clip.model.CLIPVisionCfg(
        layers=cfg["num_hidden_layers"], width=cfg["hidden_size"], head_width=HEAD_WIDTH,
        mlp_ratio=cfg["intermediate_size"] / cfg["hidden_size"], patch_size=cfg["patch_size"],
        image_size=cfg["image_size"])
    text_cfg = open_clip.model.CLIPTextCfg(
        context_length=TEXT["max_position_embeddings"], vocab_size=TEXT["vocab_size"], width=TEXT["hidden_size"],
        heads=TEXT["num_attention_heads"], layers=TEXT["num_hidden_layers"])
    return open_clip.model.CLIP(cfg["projection_dim"], vision_cfg, text_cfg, quick_gelu=cfg["hidden_act"] == "quick_gelu")


def float32(tensors: dict) -> dict:
    return {k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items()}


def make(name: str, cfg: dict, seed: int) -> None:
    torch.manual_seed(seed)
    vision_config = CLIPVisionConfig(
        image_size=cfg["image_size"], patch_size=cfg["patch_size"], hidden_size=cfg["hidden_size"],
        num_hidden_layers=cfg["num_hidden_layers"], num_attention_heads=cfg["hidden_size"] // HEAD_WIDTH,
        intermediate_size=cfg["intermediate_size"], projection_dim=cfg["projection_dim"], hidden_act=cfg["hidden_act"])
    full = CLIPModel(CLIPConfig(text_config=CLIPTextConfig(**TEXT, projection_dim=cfg["projection_dim"]).to_dict(),
                                vision_config=vision_config.to_dict(), projection_dim=cfg["projection_dim"]))
    randomise(full)
    full = full.double().eval()
    vision_model = CLIPVisionModelWithProjection(vision_config).double().eval()
    vision_weights = {k: v for k, v in full.state_dict().items()
                      if k.startswith("vision_model.") or k == "visual_projection.weight"}
    vision_model.load_state_dict(vision_weights, strict=True)

    image = (torch.rand(2, 3, 40, 36, dtype=torch.float64) * 2 - 1).float()
    pixel_values = preprocess(image.double(), cfg["image_size"]).float()
    with torch.no_grad():
        image_embeds = vision_model(pixel_values=pixel_values.double()).image_embeds
        via_full = full.get_image_features(pixel_values=pixel_values.double())
        via_full = getattr(via_full, "pooler_output", via_full)
    assert torch.allclose(image_embeds, via_full, atol=1e-12), "CLIPModel and CLIPVisionModelWithProjection disagree"

    openai_visual = to_openai(vision_weights)
    reference_clip = open_clip_model(cfg).double().eval()
    missing, unexpected = reference_clip.load_state_dict(openai_visual, strict=False)
    assert not unexpected and all(not k.startswith("visual.") for k in missing), (missing, unexpected)
    with torch.no_grad():
        open_clip_embeds = reference_clip.encode_image(pixel_values.double())
    error = (open_clip_embeds - image_embeds).abs().max().item()
    assert error < 1e-10, f"OpenAI-named weights do not reproduce transformers in open_clip: {error}"
    print(f"{name}: open_clip vs transformers max abs error {error:.2e}, |embeds| max {image_embeds.abs().max():.3f}")

    if cfg["full_checkpoint"]:
        hf_weights = full.state_dict()
        openai_weights = reference_clip.state_dict()
    else:
        hf_weights = vision_model.state_dict()
        openai_weights = openai_visual
    save_file(float32(hf_weights), OUT / f"{name}_hf.safetensors")
    save_file(float32(openai_weights), OUT / f"{name}_openai.safetensors")
    save_file(float32({"image": image, "pixel_values": pixel_values, "image_embeds": image_embeds}),
              OUT / f"{name}_reference.safetensors")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for seed, (name, cfg) in enumerate(CONFIGS.items()):
        make(name, cfg, seed=1234 + seed)


if __name__ == "__main__":
    main()
