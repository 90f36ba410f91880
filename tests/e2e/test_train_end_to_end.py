"""`steer train` end to end on the tiny SD 1.x fixture:

1. a LoRA run from a preset and flags writes the kohya and diffusers LoRA files, rolling
   checkpoints and sample PNGs (with A1111 parameters), and prints the result path;
2. a training sample equals `steer generate --lora <that step's checkpoint>` at the same settings;
3. running the same command again resumes (here: finds the run complete) and a settings file
   (the run's own training.json) reproduces the settings;
4. Ctrl-C (SIGINT) writes a checkpoint and exits 130; the next run resumes from it;
5. a full DreamBooth run writes a diffusers folder that `steer generate --finetuned` uses with PG;
6. bad input is refused naming the setting; a simulated out-of-memory exits with advice.

Usage: test_train_end_to_end.py STEER_BINARY FIXTURES_DIR
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from train_support import Report, pixels, run, write_subject


def main() -> int:
    steer, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
    model = fixtures / "parity" / "sd1-tiny"
    t = Report()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        photos = write_subject(tmp / "photos")
        out = tmp / "run"
        base = ["--base-model", str(model), "--dataset", str(photos), "--instance-prompt", "a photo of sks emblem",
                "--resolution", "64", "--rank", "4", "--alpha", "4"]
        lora_args = [*base, "--preset", "lora-quick", "--output", str(out), "--max-steps", "12",
                     "--checkpoint-every", "4", "--keep-checkpoints", "2", "--sample-every", "6",
                     "--sample-prompt", "a photo of sks emblem on a beach", "--sample-seeds", "5",
                     "--sample-steps", "3", "--sample-guidance", "4", "--learning-rate", "0.001"]

        # 1. LoRA run
        r = run(steer, "train", *lora_args)
        t.check(r.returncode == 0, f"steer train (LoRA) exits 0 ({r.stderr[-400:] if r.returncode else ''})")
        result = out / "subject.safetensors"
        t.check(r.stdout.strip() == str(result), "it prints the result path")
        t.check("train step 12/12" in r.stderr and "ETA" in r.stderr, "the progress line reaches 12/12 with an ETA")
        t.check(result.exists() and (out / "subject.diffusers.safetensors").exists(), "kohya and diffusers LoRA files")
        kept = sorted(p.name for p in (out / "checkpoints").iterdir())
        t.check(kept == ["step-000008", "step-000012"], f"the newest 2 checkpoints are kept ({kept})")
        samples = sorted(p.name for p in (out / "samples").iterdir())
        t.check(samples == ["step-000006-p0-s0.png", "step-000012-p0-s0.png"], f"samples at steps 6 and 12 ({samples})")
        params = Image.open(out / "samples" / "step-000012-p0-s0.png").info.get("parameters", "")
        t.check("Seed: 5" in params and "Steps: 3" in params, "a sample carries its A1111 parameters")

        # 2. sample == steer generate with the checkpoint of that step
        gen = tmp / "gen.png"
        r = run(steer, "generate", "--model", str(model), "--lora", str(out / "checkpoints" / "step-000012" / "lora.safetensors"),
                "--prompt", "a photo of sks emblem on a beach", "--seed", "5", "--size", "64x64", "--steps", "3",
                "--lambda", "4", "--sampler", "euler", "--out", str(gen))
        t.check(r.returncode == 0 and (pixels(gen) == pixels(out / "samples" / "step-000012-p0-s0.png")).all(),
                "the step-12 sample equals steer generate with the step-12 checkpoint")

        # 3. the same command again: complete, nothing retrained; the settings file reproduces the run
        r = run(steer, "train", *lora_args)
        t.check(r.returncode == 0 and "resumed from step 12" in r.stderr and "train step" not in r.stderr,
                "running the same command again resumes the complete run without training")
        recorded = json.loads((out / "training.json").read_text())
        t.check(recorded["rank"] == 4 and recorded["max_steps"] == 12 and recorded["sample_seeds"] == [5],
                "training.json records the settings")
        out2 = tmp / "run-from-file"
        r = run(steer, "train", "--settings", str(out / "training.json"), "--output", str(out2), "--max-steps", "4",
                "--sample-every", "0")
        t.check(r.returncode == 0 and (out2 / "subject.safetensors").exists(), "a run from --settings training.json")

        # 4. Ctrl-C writes a checkpoint; the next run resumes from it
        out3 = tmp / "interrupted"
        args = [*base, "--output", str(out3), "--max-steps", "400", "--checkpoint-every", "1000"]
        p = subprocess.Popen([str(steer), "train", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and not (out3 / "training.json").exists():
            time.sleep(0.05)
        time.sleep(1.0)  # into the step loop
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        ckpts = sorted((out3 / "checkpoints").glob("step-*")) if (out3 / "checkpoints").exists() else []
        t.check(p.returncode == 130 and "cancelled at step" in err and len(ckpts) == 1,
                f"SIGINT writes a checkpoint and exits 130 (rc {p.returncode}, {[c.name for c in ckpts]})")
        if ckpts:
            done = int(ckpts[0].name.split("-")[1])
            r = run(steer, "train", *args, "--max-steps", str(done + 3))
            t.check(r.returncode == 0 and f"resumed from step {done}" in r.stderr
                    and f"train step {done + 3}/{done + 3}" in r.stderr and f"train step {done}/" not in r.stderr,
                    "the next run resumes from the interrupt checkpoint")

        # 5. DreamBooth
        db = tmp / "dreambooth"
        r = run(steer, "train", *base, "--preset", "dreambooth", "--prior", "prior-prediction",
                "--class-prompt", "a photo of an emblem", "--output", str(db), "--max-steps", "2",
                "--learning-rate", "0.0001", "--sample-every", "0")
        folder = db / "subject"
        t.check(r.returncode == 0 and (folder / "unet" / "diffusion_pytorch_model.safetensors").exists()
                and (folder / "vae").is_dir() and (folder / "model_index.json").exists(),
                f"a DreamBooth run writes a diffusers folder ({r.stderr[-300:] if r.returncode else ''})")
        gen2 = tmp / "pg.png"
        r = run(steer, "generate", "--model", str(model), "--finetuned", str(folder), "--prompt", "a photo of sks emblem",
                "--size", "64x64", "--steps", "2", "--method", "pg", "--omega", "0.5", "--out", str(gen2))
        t.check(r.returncode == 0 and gen2.exists(), "steer generate --finetuned uses it with PG")

        # 6. refusals
        r = run(steer, "train", *base, "--output", str(tmp / "bad"), "--rank", "0")
        t.check(r.returncode == 1 and "rank 0" in r.stderr, "--rank 0 is refused naming the setting")
        r = run(steer, "train", *base, "--output", str(tmp / "bad"), "--rnak", "4")
        t.check(r.returncode != 0 and "--rnak" in r.stderr and "--rank" in r.stderr, "an unknown flag lists the options")
        r = run(steer, "train", *base, "--output", str(tmp / "bad"), "--preset", "fast")
        t.check(r.returncode == 1 and "lora-quick" in r.stderr, "an unknown preset lists the presets")
        env = dict(os.environ, STEER_TRAINING_SIMULATE_OOM_AT_STEP="2")
        r = run(steer, "train", *base, "--output", str(tmp / "oom"), "--max-steps", "4", env=env)
        t.check(r.returncode == 1 and "ran out of memory" in r.stderr and "gradient checkpointing" in r.stderr,
                "out of memory exits 1 with advice")
        r = run(steer, "train", "--help")
        t.check(r.returncode == 0 and "lora-quality" in r.stdout and "--snr-gamma" in r.stdout, "--help lists presets and settings")
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
