#!/usr/bin/env python3
"""Writes the hand-made seed files of the fuzz targets into tests/fuzz/seeds/<target>/.

Every seed is made here from nothing but the standard library (JPEG and WebP through ImageMagick's
`convert` when it is installed) or taken from this repository's own test fixtures, so no outside data
and no photo enters the corpus. Seeds are small: libFuzzer's default input length follows the largest.
Usage: tools/make_fuzz_seeds.py (rerunning it rewrites the same files).
"""
import json
import pathlib
import shutil
import struct
import subprocess
import tempfile
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fuzz" / "seeds"


def write(target, name, data):
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# --- PNG -------------------------------------------------------------------------------------------

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, rows=None, texts=(), idat=None):
    """An 8-bit RGB PNG; `rows` defaults to grey pixels, `idat` replaces the compressed data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    if idat is None:
        raw = rows if rows is not None else b"".join(b"\0" + bytes([128] * 3 * width) for _ in range(height))
        idat = zlib.compress(raw, 9)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + b"".join(texts) + png_chunk(b"IDAT", idat) +
            png_chunk(b"IEND", b""))


def text_chunk(keyword, value):
    return png_chunk(b"tEXt", keyword.encode() + b"\0" + value.encode())


def ztxt_chunk(keyword, value):
    return png_chunk(b"zTXt", keyword.encode() + b"\0\0" + zlib.compress(value.encode(), 9))


def compressed_itxt_chunk(keyword, value):
    return png_chunk(b"iTXt", keyword.encode() + b"\0\1\0\0\0" + zlib.compress(value.encode("utf-8"), 9))


# --- recipes ---------------------------------------------------------------------------------------

def source(file, face_index=0):
    return {"file": file, "image_hash": "0123456789abcdef", "face_index": face_index, "aligned_hash": "fedcba9876543210"}


def recipe(**changes):
    """A recipe as recipe_to_json writes one (mix/recipe.cpp): two tokens of width 2."""
    value = {
        "format": 1, "facemix_version": "0.1.0", "torch_version": "2.11.0",
        "model": {"name": "tiny.safetensors", "hash": "00112233445566778899"},
        "face": {"sources": [source("a.png")], "t": 0.0, "method": "slerp"},
        "background": {"sources": [source("b.png", 1)], "t": 0.0, "method": "slerp"},
        "token_weights": [1.0, 1.0], "seed": 42,
        "sampling": {"sampler": "ddim", "steps": 30, "eta": 0.0, "spacing": "leading", "cfg_scale": 3.0,
                     "face_scale": None, "background_scale": None, "resolution": 0, "strength": 1.0},
        "init": None,
        "condition": {"tokens": ["face", "background"], "float32_base64": "AACAPwAAAEAAAEBAAACAQA=="},
        "device": "cpu", "precision": "fp32", "batch_cells": 1,
    }
    value.update(changes)
    return json.dumps(value, separators=(",", ":"))


def recipe_seeds():
    plain = recipe()
    several = {**source("a1.png"), "weight": 2.0, "same_person": [{**source("a2.png"), "weight": 1.0}]}
    blended = recipe(face={"sources": [several, source("c.png")], "t": 0.25, "method": "lerp"},
                     init=source("start.png"), sampling={"sampler": "euler_a", "steps": 12, "eta": 0.0,
                     "spacing": "trailing", "cfg_scale": 4.5, "face_scale": 6.0, "background_scale": 2.0,
                     "resolution": 256, "strength": 0.6}, seed=18446744073709551615)
    write("recipe_json_fuzz", "plain.json", plain)
    write("recipe_json_fuzz", "several_photos_init.json", blended)
    write("recipe_json_fuzz", "other_format.json", '{"format":2}')
    parameters = "face: a.png (face 1), background: b.png (face 2)\nSteps: 30, Sampler: DDIM, Seed: 42"
    write("recipe_png_fuzz", "text_recipe.png", png(2, 2, texts=[text_chunk("parameters", parameters),
                                                                text_chunk("facemix", plain)]))
    write("recipe_png_fuzz", "ztxt_recipe.png", png(2, 2, texts=[ztxt_chunk("facemix", blended)]))
    write("recipe_png_fuzz", "itxt_recipe.png", png(2, 2, texts=[compressed_itxt_chunk("facemix", plain)]))


# --- images ----------------------------------------------------------------------------------------

def bmp(width, height):
    row = (bytes([40, 80, 160] * width) + b"\0\0\0")[: (3 * width + 3) // 4 * 4]
    pixels = row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 14 + len(info)) + info + pixels


def tiff(width, height):
    """An uncompressed little-endian RGB TIFF with one strip."""
    pixels = bytes([90, 120, 150] * width * height)
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, 1, 0), (277, 3, 1, 3), (278, 3, 1, height), (279, 4, 1, len(pixels))]
    ifd_size = 2 + 12 * len(entries) + 4
    data_at = 8 + ifd_size
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = data_at if tag == 273 else value
        ifd += struct.pack("<HHI", tag, kind, count) + (struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value))
    return b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + pixels


def converted(extension, width=4, height=3):
    """A small image in a format only a real encoder writes, or nothing without ImageMagick."""
    convert = shutil.which("convert")
    if not convert:
        return None
    with tempfile.TemporaryDirectory() as folder:
        out = pathlib.Path(folder) / f"seed.{extension}"
        subprocess.run([convert, "-size", f"{width}x{height}", "gradient:red-blue", "-strip", str(out)], check=True)
        return out.read_bytes()


def image_seeds():
    target = "image_decode_fuzz"
    small = png(4, 3)
    write(target, "small.png", small)
    write(target, "small.bmp", bmp(4, 3))
    write(target, "small.ppm", b"P6\n4 3\n255\n" + bytes([200, 100, 50] * 12))
    write(target, "small.pgm", b"P2\n2 2\n255\n0 64\n128 255\n")
    write(target, "small.tiff", tiff(4, 3))
    for extension in ("jpg", "webp"):
        encoded = converted(extension)
        if encoded:
            write(target, f"small.{extension}", encoded)
    # Declares 40000x40000 in a few hundred bytes: must be refused from the header, before decoding.
    write(target, "huge_header.png", png(40000, 40000, idat=zlib.compress(b"\0" * 1024)))
    write(target, "huge_header.ppm", b"P6\n40000 40000\n255\n" + bytes(64))
    write(target, "huge_header.tiff", tiff(4, 3).replace(struct.pack("<HHIHH", 256, 3, 1, 4, 0),
                                                          struct.pack("<HHIHH", 256, 3, 1, 40000, 0), 1))
    # A decompression bomb: 12 KB that inflate to 2048x2048x3 bytes (the most deflate does is about
    # 1000 times, so a bigger bomb would be a bigger seed). The fuzz target's limits refuse its size.
    side = 2048
    bomb = zlib.compressobj(9)
    idat = b"".join(bomb.compress(b"\0" + bytes(3 * side)) for _ in range(side)) + bomb.flush()
    write(target, "decompression_bomb.png", png(side, side, idat=idat))
    write(target, "truncated.png", small[: len(small) // 2])
    write(target, "empty.png", b"")


# --- studio sessions -------------------------------------------------------------------------------

def session_seeds():
    target = "session_json_fuzz"
    session = {
        "format": "facemix-session", "version": 1, "model": "/models/tiny.safetensors",
        "faces": [{"path": "/photos/a.jpg", "face_index": 0}, {"path": "/photos/a.jpg", "face_index": 1}],
        "backgrounds": [{"path": "/photos/b.png", "face_index": 0}],
        "settings": {"sampler": "euler_a", "steps": 25, "cfg_scale": 4.0, "face_guidance": 1.5,
                     "background_guidance": 0.5, "seed": 7, "seed_policy": "fixed", "resolution": 512,
                     "device": "cpu", "precision": "fp16"},
        "cells": [{"row": 0, "column": 0, "seed": "18446744073709551615", "locked": True},
                  {"row": 1, "column": 0, "seed": "12", "locked": False}],
    }
    write(target, "two_cells.json", json.dumps(session, indent=4))
    odd = dict(session, settings={"steps": "30", "cfg_scale": "1e9", "seed": -5, "resolution": "512"}, cells=[])
    write(target, "odd_settings.json", json.dumps(odd))


# --- model manifests -------------------------------------------------------------------------------

def manifest_seeds():
    target = "model_manifest_fuzz"
    # The manifest of the committed default model, read from its safetensors header.
    model = (ROOT / "models" / "default" / "facemix-synth48.safetensors").read_bytes()
    length = struct.unpack("<Q", model[:8])[0]
    default = json.loads(json.loads(model[8 : 8 + length])["__metadata__"]["facemix"])
    write(target, "default_model.json", json.dumps(default, separators=(",", ":")))
    latent = dict(default, native_resolution=64, vae={
        "in_channels": 3, "out_channels": 3, "latent_channels": 4, "block_out_channels": [32, 64],
        "layers_per_block": 1, "norm_groups": 32, "scaling_factor": 0.18215})
    latent["unet"] = dict(default["unet"], in_channels=4, out_channels=4)
    descriptor = dict(default, face_projection={"input_dim": 128, "hidden_dim": 0, "output_dim": 32})
    descriptor["conditioning"] = dict(default["conditioning"], face_token_source="dlib-descriptor",
                                      training_dropout={"face": 0.1, "background": 0.1, "both": 0.05})
    write(target, "latent_model.json", json.dumps(latent, separators=(",", ":")))
    write(target, "descriptor_face.json", json.dumps(descriptor, separators=(",", ":")))


# --- checkpoints -----------------------------------------------------------------------------------

def checkpoint_seeds():
    # torch.save's own output, from the checkpoint reader's test fixtures.
    for name in ("half_precision.pt", "protocol4.pt", "shared_views.pt", "zip_bomb.pt", "lightning.ckpt"):
        write("torch_checkpoint_fuzz", name, (ROOT / "tests" / "fixtures" / "ckpt" / name).read_bytes())


if __name__ == "__main__":
    recipe_seeds()
    image_seeds()
    session_seeds()
    manifest_seeds()
    checkpoint_seeds()
