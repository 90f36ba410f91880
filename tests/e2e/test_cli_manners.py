"""CLI manners through the `steer` program (issue 11, items 3, 6, 7 and 9), on the tiny models:

1. A misspelled command or flag is refused (exit 2) with the closest accepted one; a word that
   resembles nothing gets no guess.
2. `steer <verb> --help` and `-h` print that verb's usage and exit 0, for every verb; no help
   lists an option twice, uses a symbol a user cannot type, or prints a number longer than it
   is (0.90000000000000002).
3. The model's native size: `steer info` prints it; `steer generate` and `steer sweep` use it
   when no size is given; a size far from it warns on one line; a size that is not whole
   latent cells is refused naming the nearest valid sides, before any work.

Usage: test_cli_manners.py STEER_BINARY FIXTURES_DIR SOURCE_DIR
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image

failures = 0
passes = 0

VERBS = ["info", "generate", "sweep", "train", "train-base", "demo", "bench"]


def check(condition: bool, what: str) -> None:
    global failures, passes
    passes += bool(condition)
    print(("[ ok ] " if condition else "[FAIL] ") + what)
    if not condition:
        failures += 1


def run(steer: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(steer), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def listed_options(help_text: str) -> list[str]:
    """The options a help text lists: each line that starts (after indentation) with --name."""
    return re.findall(r"^\s+(--[a-z0-9][a-z0-9-]*)", help_text, re.MULTILINE)


def duplicates(help_text: str) -> list[str]:
    return [o for o, n in Counter(listed_options(help_text)).items() if n > 1]


def image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def model_with_native_side(source: Path, sample_size: int, folder: Path) -> Path:
    """A copy of `source` whose UNet config says another sample_size (weights linked, not copied):
    the same weights, a different native size, so a constant 64 cannot pass the checks."""
    for item in source.rglob("*"):
        target = folder / item.relative_to(source)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif item.relative_to(source) != Path("unet/config.json"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(item.resolve())
    config = json.loads((source / "unet" / "config.json").read_text())
    config["sample_size"] = sample_size
    (folder / "unet").mkdir(parents=True, exist_ok=True)
    (folder / "unet" / "config.json").write_text(json.dumps(config))
    return folder


def main() -> int:
    steer, fixtures, source = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    demo = source / "resources" / "demo-model"  # 64 px native, 4-pixel latent cells
    tiny = fixtures / "parity" / "sd1-tiny"  # 64 px native, 8-pixel latent cells
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        tiny32 = model_with_native_side(tiny, 4, tmp / "sd1-tiny-32")  # 4 latent cells x 8 = 32 px

        # 1. misspelled commands and flags
        r = run(steer, "genrate")
        check(r.returncode == 2 and "did you mean 'generate'?" in r.stderr, f"steer genrate -> {r.stderr.strip()}")
        r = run(steer, "swep", "--help")
        check(r.returncode == 2 and "did you mean 'sweep'?" in r.stderr, f"steer swep -> {r.stderr.strip()}")
        r = run(steer, "xyzzy")
        check(r.returncode == 2 and "did you mean" not in r.stderr and "usage: steer <command>" in r.stderr,
              "control: steer xyzzy gets no guess, the command list instead")
        r = run(steer, "generate", "--model", str(demo), "--prompt", "x", "--sed", "3", "--out", str(tmp / "typo.png"))
        check(r.returncode == 2 and "unknown option --sed; did you mean --seed?" in r.stderr
              and not (tmp / "typo.png").exists(), f"--sed -> {r.stderr.strip()}")
        r = run(steer, "sweep", "--model", str(demo), "--prompt", "x", "--omegs", "0,1", "--out-dir", str(tmp))
        check(r.returncode == 2 and "did you mean --omegas?" in r.stderr, f"sweep --omegs -> {r.stderr.strip()}")
        r = run(steer, "train", "--lerning-rate", "1e-4")
        check(r.returncode == 2 and "did you mean --learning-rate?" in r.stderr, f"train --lerning-rate -> {r.stderr.strip()}")
        r = run(steer, "generate", "--model", str(demo), "--prompt", "x", "--qqqqqqqqqq", "1")
        check(r.returncode == 2 and "did you mean" not in r.stderr and "the options are:" in r.stderr
              and "--seed" in r.stderr, "control: an option like no other gets the list of options")
        r = run(steer, "generate", "--model", str(demo), "a photo of sks emblem", "--out", str(tmp / "positional.png"))
        check(r.returncode == 2 and "positional" in r.stderr and "--prompt" in r.stderr
              and not (tmp / "positional.png").exists(), f"a prompt without --prompt is refused -> {r.stderr.strip()[:120]}")

        # A LoRA strength out of range is refused before the model loads: the model folder named
        # here does not exist, so an answer about the strength shows the order of the checks.
        r = run(steer, "generate", "--model", str(tmp / "no-such-model"), "--prompt", "x",
                "--lora", str(tmp / "x.safetensors"), "--lora-scale", "9", "--out", str(tmp / "scale.png"))
        check(r.returncode != 0 and "9" in r.stderr and "no-such-model" not in r.stderr,
              f"--lora-scale 9 refused before loading -> {r.stderr.strip()[:160]}")
        r = run(steer, "generate", "--model", str(tmp / "no-such-model"), "--prompt", "x",
                "--lora", str(tmp / "x.safetensors"), "--lora-scale", "0.8", "--out", str(tmp / "scale.png"))
        check(r.returncode != 0 and "no-such-model" in r.stderr,
              "control: a strength in range gets as far as the missing model folder")

        # 2. help for every verb
        check(duplicates("  --a x\n  --b y\n  --a z\n") == ["--a"],
              "control: the duplicate finder finds a listed-twice option")
        for top in (["help"], ["--help"], ["-h"]):
            r = run(steer, *top)
            check(r.returncode == 0 and "usage: steer <command>" in r.stdout, f"steer {top[0]} prints the commands, exit 0")
        for verb in VERBS:
            for flag in ("--help", "-h"):
                r = run(steer, verb, flag)
                check(r.returncode == 0 and f"usage: steer {verb}" in r.stdout,
                      f"steer {verb} {flag}: exit {r.returncode}, usage on stdout")
            text = run(steer, verb, "--help").stdout
            check(not duplicates(text), f"steer {verb} --help lists no option twice {duplicates(text)}")
            odd = sorted({c for c in text if ord(c) > 126})
            check(not odd, f"steer {verb} --help uses only characters a user can type {odd}")
            long_numbers = re.findall(r"\d\.\d*(?:0{6,}|9{6,})\d", text)
            check(not long_numbers, f"steer {verb} --help prints numbers in their shortest form {long_numbers}")
        r = run(steer, "info", "--help")
        check("not a folder" not in r.stdout + r.stderr, "steer info --help is not read as a folder")
        r = run(steer, "generate", "--model", str(demo), "--prompt", "--help", "--steps", "1", "--out", str(tmp / "p.png"))
        check(r.returncode == 0 and (tmp / "p.png").exists(), "control: --help as an option's value is that value")
        train_help = run(steer, "train", "--help").stdout
        check(re.search(r"--adam-beta1\s+0\.9\n", train_help) is not None, "steer train --help shows adam-beta1 as 0.9")

        # 3. the native size
        for model, native in ((demo, "64x64"), (tiny, "64x64"), (tiny32, "32x32")):
            r = run(steer, "info", str(model))
            check(r.returncode == 0 and re.search(rf"^native size\s+{native}\b", r.stdout, re.MULTILINE) is not None,
                  f"steer info {model.name} prints native size {native}")
        for model, expected in ((demo, (64, 64)), (tiny32, (32, 32))):
            out = tmp / f"native-{model.name}.png"
            r = run(steer, "generate", "--model", str(model), "--prompt", "a photo of sks emblem", "--steps", "1",
                    "--lambda", "0.9", "--out", str(out))
            check(r.returncode == 0 and image_size(out) == expected and "warning" not in r.stderr,
                  f"generate without a size on {model.name} runs at its native {expected} {r.stderr.strip()[-100:]}")
        sidecar = (tmp / f"native-{demo.name}.json").read_text()
        check(re.search(r'"lambda":\s*0\.9\b', sidecar) is not None and "0.90000000000000002" not in sidecar,
              "the sidecar records lambda 0.9 as 0.9")
        # PG's default omega is what the help says it is
        out = tmp / "pg-default.png"
        r = run(steer, "generate", "--model", str(tiny), "--lora", str(fixtures / "lora" / "sd1_lora_diffusers.safetensors"),
                "--method", "pg", "--prompt", "x", "--steps", "1", "--out", str(out))
        help_text = run(steer, "generate", "--help").stdout
        stated = re.search(r"--omega W .*?\(default ([0-9.]+)\)", help_text)
        used = json.loads(out.with_suffix(".json").read_text())["settings"]["omega"] if r.returncode == 0 else None
        check(stated is not None and used == stated.group(1) and used != "1",
              f"PG without --omega runs at the default the help states ({stated.group(1) if stated else None}, used {used})")
        out = tmp / "width-only.png"
        r = run(steer, "generate", "--model", str(tiny32), "--prompt", "x", "--steps", "1", "--width", "64", "--out", str(out))
        check(r.returncode == 0 and image_size(out) == (64, 32), "--width alone: the height follows the native size")
        r = run(steer, "sweep", "--model", str(tiny32), "--prompt", "x", "--steps", "1", "--seeds", "1,2", "--out-dir",
                str(tmp), "--name", "native-sweep", "--no-grid")
        cells = sorted((tmp / "native-sweep").glob("*.png")) if r.returncode == 0 else []
        check(len(cells) == 2 and all(image_size(c) == (32, 32) for c in cells),
              f"sweep without a size runs at the native 32x32 {r.stderr.strip()[-100:]}")
        sweep_file = tmp / "sized.json"
        sweep_file.write_text(json.dumps({"width": 64, "height": 64}))
        r = run(steer, "sweep", "--model", str(tiny32), "--prompt", "x", "--steps", "1", "--sweep-file", str(sweep_file),
                "--out-dir", str(tmp), "--name", "file-sweep", "--no-grid")
        cells = sorted((tmp / "file-sweep").glob("*.png")) if r.returncode == 0 else []
        check(len(cells) == 1 and image_size(cells[0]) == (64, 64), "a size in the sweep file wins over the native size")

        # far from native: one warning line before the run; near native (half to twice it): none
        for model, size, warns in ((demo, "24x64", True), (demo, "32x32", False), (tiny32, "72x32", True),
                                   (tiny32, "64x64", False), (tiny32, "32x32", False)):
            out = tmp / f"far-{model.name}-{size}.png"
            r = run(steer, "generate", "--model", str(model), "--prompt", "x", "--steps", "1", "--size", size, "--out", str(out))
            warning = [line for line in r.stderr.splitlines() if line.startswith("warning:")]
            w, h = (int(v) for v in size.split("x"))
            check(r.returncode == 0 and image_size(out) == (w, h) and len(warning) == (1 if warns else 0)
                  and (not warns or "native" in warning[0]),
                  f"{model.name} at {size}: {'one warning' if warns else 'no warning'} {warning}")
            if warns and r.returncode == 0:
                check(r.stderr.index("warning:") < r.stderr.index("generate step"), "the warning comes before the first step")
        r = run(steer, "sweep", "--model", str(demo), "--prompt", "x", "--steps", "1", "--size", "24x24", "--out-dir",
                str(tmp), "--name", "far-sweep", "--no-grid")
        check(r.returncode == 0 and sum(line.startswith("warning:") for line in r.stderr.splitlines()) == 1,
              "steer sweep warns once for a size far from native")

        # not whole latent cells: refused before any work, naming the value and the nearest sides
        # of the model's own latent factor: 4 for the demo model, 8 for SD (sd1-tiny)
        for model, args, fragments in [
            (demo, ["--size", "102x64"], ["width 102", "multiple of 4", "100 or 104"]),
            (demo, ["--size", "64x63"], ["height 63", "60 or 64"]),
            (demo, ["--width", "4095"], ["width 4095", "4092"]),
            (demo, ["--height", "2"], ["height 2", "use 4"]),
            (tiny, ["--size", "100x64"], ["width 100", "multiple of 8", "96 or 104"]),
        ]:
            out = tmp / "refused.png"
            r = run(steer, "generate", "--model", str(model), "--prompt", "x", "--steps", "1", *args, "--out", str(out))
            check(r.returncode == 1 and all(f in r.stderr for f in fragments) and not out.exists()
                  and "generate step" not in r.stderr, f"refused: {' '.join(args)} -> {r.stderr.strip()}")
        # the control: whole cells of 4 are a valid size on the demo model, not on SD
        out = tmp / "68x64.png"
        r = run(steer, "generate", "--model", str(demo), "--prompt", "x", "--steps", "1", "--size", "68x64", "--out", str(out))
        check(r.returncode == 0 and out.exists() and image_size(out) == (68, 64),
              f"68x64 on the demo model (4-pixel cells) is generated {r.stderr.strip()[-120:]}")
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
