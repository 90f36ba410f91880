"""Shared pieces of the `steer train` end-to-end tests: a small subject drawn here, the
check/report helpers and LoRA comparison."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from safetensors.numpy import load_file


class Report:
    def __init__(self) -> None:
        self.failures = 0
        self.passes = 0

    def check(self, condition: bool, what: str) -> None:
        self.passes += bool(condition)
        self.failures += not condition
        print(("[ ok ] " if condition else "[FAIL] ") + what, flush=True)

    def exit_code(self) -> int:
        print(f"{self.passes} passed, {self.failures} failed")
        return 1 if self.failures else 0


def write_subject(folder: Path, count: int = 4) -> Path:
    """Four 64x64 photos of one object: a red disc with a blue bar on pale backgrounds."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        im = Image.new("RGB", (64, 64), (200, 220 - 20 * i, 255))
        d = ImageDraw.Draw(im)
        d.ellipse((11 + 3 * i, 15, 41 + 3 * i, 45), fill=(200, 30, 30))
        d.rectangle((20, 24, 31, 29 + i), fill=(20, 20, 200))
        im.save(folder / f"photo{i}.png")
    return folder


def run(steer: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(steer), *args], capture_output=True, text=True, env=env)


def lora_max_difference(a: Path, b: Path) -> float:
    ta, tb = load_file(str(a)), load_file(str(b))
    if ta.keys() != tb.keys():
        return float("inf")
    return max(float(np.max(np.abs(ta[k].astype(np.float64) - tb[k].astype(np.float64)))) for k in ta)


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))
