"""End to end through the `steer` program on the tiny fixtures:

1. `steer generate` writes an image and a sidecar; the PNG carries A1111's `parameters`.
2. `steer sweep` writes a folder with one image and sidecar per cell, index.json, index.csv
   and a labelled grid.png; every file decodes or parses.
3. The settings in a sweep cell's sidecar, fed back to `steer generate`, reproduce the
   same pixels.
4. Bad input is refused before any work, with a message naming the setting; nothing is
   written.

Usage: test_cli_end_to_end.py STEER_BINARY FIXTURES_DIR
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

failures = 0


passes = 0


def check(condition: bool, what: str) -> None:
    global failures, passes
    passes += bool(condition)
    print(("[ ok ] " if condition else "[FAIL] ") + what)
    if not condition:
        failures += 1


def run(steer: Path, *args: str, expect_ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(steer), *args], capture_output=True, text=True)
    if expect_ok and result.returncode != 0:
        print(result.stdout, result.stderr)
    return result


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def main() -> int:
    steer, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
    model = fixtures / "parity" / "sd1-tiny"
    lora = fixtures / "lora" / "sd1_lora_diffusers.safetensors"
    common = ["--model", str(model), "--lora", str(lora), "--size", "64x64", "--steps", "4", "--lambda", "5"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        # 1. generate
        out = tmp / "one.png"
        r = run(steer, "generate", *common, "--prompt", "a photo of sks cat", "--method", "pg", "--omega", "0.5",
                "--seed", "11", "--out", str(out))
        check(r.returncode == 0 and r.stdout.strip() == str(out), "steer generate writes the image it names")
        check(pixels(out).shape == (64, 64, 3), "the generated PNG decodes at 64x64")
        params = Image.open(out).info.get("parameters", "")
        check("Seed: 11" in params and "Steps: 4" in params and "CFG scale: 5" in params,
              f"the PNG carries A1111 parameters ({params.splitlines()[-1] if params else 'none'})")
        sidecar = json.loads(out.with_suffix(".json").read_text())["settings"]
        check(sidecar["method"] == "pg" and sidecar["omega"] == "0.5" and sidecar["seed"] == 11, "the sidecar records the settings")
        check(len(sidecar["model_hash"]) == 64 and len(sidecar["subject_hash"]) == 64, "the sidecar records file hashes")
        r = run(steer, "generate", *common, "--prompt", "a photo of sks cat", "--method", "pg", "--omega", "0.5",
                "--seed", "11", "--out", str(out))
        check(r.stdout.strip() == str(tmp / "one-2.png"), "an existing image is never overwritten (one-2.png)")
        check(np.array_equal(pixels(out), pixels(tmp / "one-2.png")), "the same settings give the same pixels")

        # 2. sweep
        r = run(steer, "sweep", *common, "--prompt", "a photo of sks cat", "--methods", "cfg,pg", "--omegas", "0,0.5,1",
                "--seeds", "1,2", "--out-dir", str(tmp), "--name", "board")
        folder = Path(r.stdout.strip()) if r.returncode == 0 else tmp / "missing"
        check(folder == tmp / "board" and folder.is_dir(), "steer sweep makes the set folder")
        images = sorted(folder.glob("*.png"))
        cells = [p for p in images if p.name != "grid.png"]
        # Axes that do not apply are not repeated: ω does not change CFG, so CFG has one image
        # per seed (2) and PG one per ω and seed (6): 8 files, not 3 x 2 x 2 = 12.
        check(len(cells) == 8, f"8 cell images: 2 CFG + 6 PG ({len(cells)})")
        check(all(pixels(p).shape == (64, 64, 3) for p in cells), "every cell image decodes")
        sidecars = [json.loads(p.with_suffix(".json").read_text())["settings"] for p in cells]
        check(all("seed" in s and "method" in s for s in sidecars), "every cell has a sidecar")
        check(sum(s["method"] == "cfg" for s in sidecars) == 2 and sum(s["method"] == "pg" for s in sidecars) == 6,
              "one CFG image per seed, one PG image per ω and seed")
        check(all(s["omega"] is None for s in sidecars if s["method"] == "cfg"), "CFG sidecars say ω does not apply (null)")
        index = json.loads((folder / "index.json").read_text())
        check(len(index["cells"]) == 8, "index.json lists every cell once")
        check(all(c["axis_values"]["omega"] is None for c in index["cells"] if c["settings"]["method"] == "cfg")
              and all(c["axis_values"]["omega"] is not None for c in index["cells"] if c["settings"]["method"] == "pg"),
              "index.json: ω is null for CFG cells, a value for PG cells")
        rows = list(csv.DictReader((folder / "index.csv").open(newline="")))
        check(len(rows) == 8, "index.csv lists every cell once")
        grid = pixels(folder / "grid.png")
        check(grid.shape[0] > 4 * 64 and grid.shape[1] > 3 * 64, f"grid.png holds the 3x4 grid with labels {grid.shape}")
        r = run(steer, "sweep", *common, "--prompt", "a photo of sks cat", "--methods", "cfg", "--omegas", "0,0.5,1",
                "--out-dir", str(tmp), "--name", "cfg-only")
        cfg_only = [p for p in (tmp / "cfg-only").glob("*.png") if p.name != "grid.png"] if r.returncode == 0 else []
        check(len(cfg_only) == 1, f"cfg over 3 ω values is one image ({len(cfg_only)})")
        # ω = 1 PG equals CFG (same seed).
        by_key = {(s["method"], s.get("omega") or "", s["seed"]): p for s, p in zip(sidecars, cells)}
        check(np.array_equal(pixels(by_key[("pg", "1", 1)]), pixels(by_key[("cfg", "", 1)])), "PG at ω = 1 gives the CFG image")
        check(not np.array_equal(pixels(by_key[("pg", "0", 1)]), pixels(by_key[("cfg", "", 1)])), "PG at ω = 0 differs from CFG")

        # 3. a sidecar reproduces its image
        s = next(s for s in sidecars if s["method"] == "pg" and s["omega"] == "0.5" and s["seed"] == 2)
        again = tmp / "again.png"
        r = run(steer, "generate", "--model", str(model), "--lora", str(lora), "--prompt", s["prompt"], "--negative",
                s["negative_prompt"], "--method", s["method"], "--omega", s["omega"], "--lambda", str(s["lambda"]),
                "--seed", str(s["seed"]), "--size", f'{s["width"]}x{s["height"]}', "--steps", str(s["steps"]),
                "--sampler", s["sampler"], "--out", str(again))
        cell_file = next(p for p, c in zip(cells, sidecars) if c is s)
        check(np.array_equal(pixels(again), pixels(cell_file)), "a sweep cell's sidecar settings reproduce its pixels")

        # 4. bad input, refused before any work
        for args, fragment in [
            (["--sampler", "heun"], "sampler \"heun\""),
            (["--method", "pgg"], "\"pgg\""),
            (["--steps", "0"], "steps 0"),
            (["--size", "63x64"], "width 63"),
            (["--lambda", "-2"], "lambda"),
            (["--omega", "1.5"], "outside [0, 1]"),
            (["--samplr", "euler"], "unknown option --samplr"),
        ]:
            r = run(steer, "generate", *common, "--prompt", "x", "--out", str(tmp / "bad.png"), *args, expect_ok=False)
            check(r.returncode != 0 and fragment in r.stderr and not (tmp / "bad.png").exists(),
                  f"refused: {' '.join(args)} -> {r.stderr.strip()[:110]}")
        # Numbers that do not fit their setting are refused naming the option and the value,
        # never wrapped (4294967297 -> 1), saturated (2^64 -> 2^63-1) or truncated (2.5 -> 2).
        for args, fragments in [
            (["--steps", "4294967297"], ["--steps 4294967297", "1 to 1000"]),
            (["--seed", "18446744073709551616"], ["--seed 18446744073709551616", "out of range", "2^63-1"]),
            (["--seed", "18446744073709551615"], ["--seed 18446744073709551615", "out of range", "2^63-1"]),
            (["--seed", "-1"], ["--seed -1", "2^63-1"]),
            (["--seed", "7.5"], ["--seed \"7.5\"", "not a whole number"]),
            (["--width", "1e3"], ["--width \"1e3\"", "not a whole number"]),
            (["--clip-skip", "4294967296"], ["--clip-skip 4294967296", "0 to 11"]),
            (["--size", "4294967360x64"], ["--size \"4294967360x64\"", "4294967360", "out of range"]),
            (["--lambda", "inf"], ["--lambda \"inf\"", "finite"]),
        ]:
            r = run(steer, "generate", *common, "--prompt", "x", "--out", str(tmp / "bad.png"), *args, expect_ok=False)
            check(r.returncode == 1 and all(f in r.stderr for f in fragments) and not (tmp / "bad.png").exists(),
                  f"refused: {' '.join(args)} -> {r.stderr.strip()[:140]}")
        for args, fragments in [
            (["--seeds", "1,2.5"], ["--seeds entry 2 \"2.5\"", "not a whole number"]),
            (["--seeds", "1,18446744073709551616"], ["--seeds entry 2 18446744073709551616", "out of range"]),
            (["--seeds", "3,-1"], ["--seeds entry 2 -1", "out of range"]),
            (["--seeds", "1,,2"], ["--seeds \"1,,2\"", "entry 2 is empty"]),
            (["--lambdas", "5,nan"], ["--lambdas entry 2 \"nan\"", "finite"]),
        ]:
            r = run(steer, "sweep", *common, "--prompt", "x", "--out-dir", str(tmp), "--name", "badlist", *args, expect_ok=False)
            check(r.returncode == 1 and all(f in r.stderr for f in fragments) and not (tmp / "badlist").exists(),
                  f"refused: sweep {' '.join(args)} -> {r.stderr.strip()[:140]}")
        for content, fragments in [
            ({"steps": 4294967297}, ["\"steps\" 4294967297", "out of range"]),
            ({"seeds": [9223372036854775808]}, ["\"seeds\" entry 1 9223372036854775808", "out of range", "2^63-1"]),
            ({"seeds": [1, 18446744073709551616]}, ["\"seeds\" entry 2", "out of range", "2^63-1"]),  # beyond 64 bits: shown as a double
        ]:
            numbers_file = tmp / "numbers.json"
            numbers_file.write_text(json.dumps(content))
            r = run(steer, "sweep", *common, "--prompt", "x", "--sweep-file", str(numbers_file), "--out-dir", str(tmp),
                    "--name", "badfile", expect_ok=False)
            check(r.returncode == 1 and str(numbers_file) in r.stderr and all(f in r.stderr for f in fragments)
                  and not (tmp / "badfile").exists(), f"refused: sweep file {content} -> {r.stderr.strip()[:140]}")
        # steer bench reads its numbers with the same checked reader (not an "internal error").
        unet_config = model / "unet" / "config.json"
        for args, fragments in [
            (["--latent", "abc"], ["--latent \"abc\"", "not a whole number"]),
            (["--repeats", "99999999999999999999"], ["--repeats 99999999999999999999", "out of range"]),
            (["--batch", "4294967298"], ["--batch 4294967298", "out of range"]),
            (["--steps", "2.5"], ["--steps \"2.5\"", "not a whole number"]),
        ]:
            r = run(steer, "bench", "--unet-config", str(unet_config), *args, expect_ok=False)
            check(r.returncode == 1 and all(f in r.stderr for f in fragments) and "internal error" not in r.stderr
                  and "BENCH_JSON" not in r.stdout, f"refused: bench {' '.join(args)} -> {r.stderr.strip()[:140]}")
        sweep_file = tmp / "typo.json"
        sweep_file.write_text(json.dumps({"methods": ["cfg", "pg"], "omegaz": [0, 1]}))
        r = run(steer, "sweep", *common, "--prompt", "x", "--sweep-file", str(sweep_file), "--out-dir", str(tmp),
                "--name", "typo", expect_ok=False)
        check(r.returncode != 0 and "unknown key \"omegaz\"" in r.stderr and not (tmp / "typo").exists(),
              "a sweep file typo is refused and nothing is written")
        bad_lora = fixtures / "lora" / "sd2_lora_diffusers.safetensors"
        r = run(steer, "generate", "--model", str(model), "--lora", str(bad_lora), "--prompt", "x", "--size", "64x64",
                "--steps", "2", "--out", str(tmp / "bad.png"), expect_ok=False)
        check(r.returncode != 0 and "sd2_lora_diffusers.safetensors" in r.stderr, "a LoRA for another model is refused")
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
