"""Guided images must not change when the engine's shape changes (issue 10).

Every case of tests/generation/guidance_reference/cases.json is generated with `steer generate`
and compared pixel for pixel with the PNG of the same name beside the manifest. Those PNGs were
made by the engine before guidance methods became plug-ins and the production loop became the
sampler tests' loop (commit 4788931), so a refactor that changes a single bit of any CFG, AG or
PG image (LoRA batched and two-call, kohya scale != 1, fine-tuned subjects, v-prediction, DDIM,
Euler, Euler a, DPM++ 2M Karras, ω schedules, rescale, guidance intervals, AG's three weak
models) fails here.

A control case shows the comparison can fail: the same case with ω moved by 0.05 must differ
from its reference.

Usage: test_guidance_reference.py STEER_BINARY FIXTURES_DIR [--write]
  --write   (only at the commit that defines the reference) writes the PNGs instead.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parents[1] / "generation" / "guidance_reference"


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def generate(steer: Path, args: list[str], out: Path) -> None:
    result = subprocess.run([str(steer), "generate", *args, "--out", str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"steer generate {' '.join(args)} failed:\n{result.stderr}")


def main() -> int:
    steer, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
    write = "--write" in sys.argv[3:]
    manifest = json.loads((HERE / "cases.json").read_text())
    common = manifest["common"]
    failures = passes = 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, case in manifest["cases"].items():
            args = [a.replace("{F}", str(fixtures)) for a in case] + common
            out = tmp / f"{name}.png"
            generate(steer, args, out)
            reference = HERE / f"{name}.png"
            if write:
                Image.fromarray(pixels(out)).save(reference)
                print(f"[write] {reference}")
                continue
            got, want = pixels(out), pixels(reference)
            same = got.shape == want.shape and np.array_equal(got, want)
            diff = int(np.abs(got.astype(int) - want.astype(int)).max()) if got.shape == want.shape else -1
            print(("[ ok ] " if same else "[FAIL] ") + f"{name}: identical to the reference (max |diff| {diff})")
            passes += same
            failures += not same

        if not write:
            # Control: a wrong ω must be caught by the same comparison.
            case = manifest["cases"]["pg_euler_omega0.5"]
            args = [a.replace("{F}", str(fixtures)) for a in case] + common
            args[args.index("0.5")] = "0.55"
            out = tmp / "control.png"
            generate(steer, args, out)
            differs = not np.array_equal(pixels(out), pixels(HERE / "pg_euler_omega0.5.png"))
            print(("[ ok ] " if differs else "[FAIL] ") + "control: PG at ω 0.55 differs from the ω 0.5 reference")
            passes += differs
            failures += not differs

            # The merged-LoRA fast path (the default for CFG) against the unmerged reference.
            for name in ("cfg_euler", "cfg_rescale_interval"):
                args = [a.replace("{F}", str(fixtures)) for a in manifest["cases"][name] if a != "--unmerged-lora"] + common
                out = tmp / f"{name}-merged.png"
                generate(steer, args, out)
                got, want = pixels(out).astype(int), pixels(HERE / f"{name}.png").astype(int)
                worst = int(np.abs(got - want).max())
                ok = worst <= 1
                print(("[ ok ] " if ok else "[FAIL] ") + f"{name} with the LoRA merged: within 1/255 per pixel of the unmerged "
                      f"reference (max |diff| {worst})")
                passes += ok
                failures += not ok
    if write:
        return 0
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
