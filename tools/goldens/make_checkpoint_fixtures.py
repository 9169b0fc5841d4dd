#!/usr/bin/env python3
"""Writes the PyTorch checkpoint fixtures under tests/fixtures/ckpt/ and the pickle fuzz seeds.

Run with the facemix venv's python (torch is there):
    ~/.local/share/facemix/venv/bin/python tools/goldens/make_checkpoint_fixtures.py

Every tensor in a valid fixture is a ramp, ramp(shape, scale, offset) = (arange(n) * scale +
offset).reshape(shape), with values exact in its dtype, so tests/io/torch_checkpoint_test.cpp
checks them without Python; the table of ramps there must match the one here. The hostile
fixtures are built so that loading them with torch.load(weights_only=False) WOULD run code;
never do that.
"""
import collections
import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy
import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "ckpt"
SEEDS = ROOT / "tests" / "fuzz" / "seeds" / "pickle_machine_fuzz"


def ramp(shape, scale, offset, dtype=torch.float32):
    n = 1
    for size in shape:
        n *= size
    return (torch.arange(n, dtype=torch.float64) * scale + offset).reshape(shape).to(dtype)


def save(obj, name, **kwargs):
    torch.save(obj, OUT / name, **kwargs)


def plain_state_dict():
    """A module's state_dict: an OrderedDict with a _metadata attribute (pickled with BUILD)."""
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
    with torch.no_grad():
        model[0].weight.copy_(ramp((3, 4), 0.5, 0))
        model[0].bias.copy_(ramp((3,), 0.25, -1))
        model[1].weight.copy_(ramp((3,), 1, 1))
        model[1].bias.copy_(ramp((3,), -0.5, 0))
    state = model.state_dict()
    state["step"] = torch.tensor(5, dtype=torch.int64)
    state["mask"] = torch.tensor([True, False, True])
    save(state, "pytorch_model.bin")


class ModelCheckpoint:
    """Stands in for Lightning's class, which Lightning < 1.5 used as a dict key (never called)."""


def lightning_checkpoint():
    state_dict = {
        "model.diffusion_model.proj.weight": ramp((2, 3), 0.125, 2),
        "model_ema.decay": torch.tensor(0.9999),
        "model_ema.num_updates": torch.tensor(42, dtype=torch.int32),
        "cond_stage_model": {"proj": ramp((2,), 3, -2)},
    }
    checkpoint = {
        "epoch": 2,
        "global_step": 7,
        "pytorch-lightning_version": "1.4.2",
        "state_dict": state_dict,
        "callbacks": {
            ModelCheckpoint: {
                "best_model_score": torch.tensor(0.25),
                "best_model_path": "/logs/epoch=1.ckpt",
                "kth_value": numpy.float64(0.5),
            }
        },
        "optimizer_states": [
            {
                "state": {0: {"step": 3, "exp_avg": torch.zeros(2, 3)}},
                "param_groups": [{"lr": 1e-4, "betas": (0.9, 0.999), "params": [0], "amsgrad": False}],
            }
        ],
        "lr_schedulers": [{"base_lrs": [1e-4], "last_epoch": 7, "lr_lambdas": [None]}],
    }
    save(checkpoint, "lightning.ckpt")


def half_precision():
    save({"f16": ramp((2, 4), 0.5, -2, torch.float16), "bf16": ramp((4, 2), 0.25, 1, torch.bfloat16)},
         "half_precision.pt")


def shared_views():
    base = ramp((4, 6), 1, 0)
    save({"base": base, "row": base[1], "column": base[:, 2], "transposed": base.t(), "window": base[1:3, 2:5]},
         "shared_views.pt")


def protocol_4():
    save({"weight": ramp((3, 2), 2, 1), "nested": {"bias": ramp((2,), 1, 0.5)}}, "protocol4.pt", pickle_protocol=4)


def legacy_format():
    save({"weight": ramp((2,), 1, 0)}, "legacy.pt", _use_new_zipfile_serialization=False)


def rezip(source, target, replace_entry=None):
    """Copies a checkpoint, letting replace_entry(name, data) change or drop entries."""
    with zipfile.ZipFile(OUT / source) as old, zipfile.ZipFile(OUT / target, "w", zipfile.ZIP_STORED) as new:
        for info in old.infolist():
            data = old.read(info)
            if replace_entry:
                data = replace_entry(info.filename, data)
            if data is not None:
                new.writestr(info.filename, data)


class Runs:
    """Pickles as a call to `function(argument)`, which torch.load would execute."""

    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):
        return self.function, (self.argument,)


def hostile_calls():
    payload = "touch /tmp/facemix_pwned"
    save({"state_dict": {"w": ramp((2,), 1, 0)}, "hook": Runs(os.system, payload)}, "os_system.ckpt")
    # os.system is posix.system on Linux and pickles under that name; write it as os.system, the
    # name an attacker would use anywhere.
    rezip("os_system.ckpt", "os_system.ckpt.tmp",
          lambda name, data: data.replace(b"cposix\nsystem\n", b"cos\nsystem\n") if name.endswith("data.pkl") else data)
    os.replace(OUT / "os_system.ckpt.tmp", OUT / "os_system.ckpt")
    save({"state_dict": {"w": ramp((2,), 1, 0)}, "hook": Runs(eval, f"__import__('os').system('{payload}')")},
         "builtins_eval.ckpt")


class StorageRef:
    def __init__(self, key, numel, storage_type=torch.FloatStorage):
        self.key, self.numel, self.storage_type = key, numel, storage_type


class TensorRecord:
    """Pickles exactly as torch.save pickles a tensor, whatever the storage really holds."""

    def __init__(self, storage, shape, stride, offset=0):
        self.args = (storage, offset, shape, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, self.args


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None


def handmade_archive(name, state, storages, compression=zipfile.ZIP_STORED):
    """A torch.save-shaped archive whose pickle says what `state` says; storages maps key -> bytes
    or -> (size, chunk) to stream `size` bytes of `chunk` repeated."""
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=2).dump(state)
    with zipfile.ZipFile(OUT / name, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        archive.writestr("archive/byteorder", "little")
        for key, data in storages.items():
            info = zipfile.ZipInfo(f"archive/data/{key}")
            info.compress_type = compression
            if isinstance(data, bytes):
                archive.writestr(info, data)
                continue
            size, chunk = data
            with archive.open(info, "w", force_zip64=True) as entry:
                for _ in range(size // len(chunk)):
                    entry.write(chunk)
        archive.writestr("archive/version", "3\n")


def hostile_archives():
    floats = ramp((12,), 1, 0).numpy().tobytes()
    handmade_archive("storage_too_small.pt", {"w": TensorRecord(StorageRef("0", 6), (3, 4), (4, 1))},
                     {"0": floats[:24]})
    handmade_archive("storage_size_mismatch.pt", {"w": TensorRecord(StorageRef("0", 12), (3, 4), (4, 1))},
                     {"0": floats[:32]})
    # 2 GB of zeros that bzip2 packs into a few kilobytes.
    count = 500_000_000
    handmade_archive("zip_bomb.pt", {"w": TensorRecord(StorageRef("0", count), (count,), (1,))},
                     {"0": (4 * count, bytes(16_000_000))}, compression=zipfile.ZIP_BZIP2)
    plain = (OUT / "pytorch_model.bin").read_bytes()
    (OUT / "truncated.pt").write_bytes(plain[: len(plain) // 2])
    rezip("pytorch_model.bin", "big_endian.pt",
          lambda name, data: b"big" if name.endswith("/byteorder") else data)


def fuzz_seeds():
    SEEDS.mkdir(parents=True, exist_ok=True)
    for name in ["pytorch_model.bin", "lightning.ckpt", "protocol4.pt", "shared_views.pt"]:
        with zipfile.ZipFile(OUT / name) as archive:
            pickle_name = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
            (SEEDS / (Path(name).stem + ".pkl")).write_bytes(archive.read(pickle_name))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    plain_state_dict()
    lightning_checkpoint()
    half_precision()
    shared_views()
    protocol_4()
    legacy_format()
    hostile_calls()
    hostile_archives()
    fuzz_seeds()
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:8d}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
