"""Reliability of `steer train` under SIGKILL (issue 5, item 13).

An uninterrupted LoRA run is the reference. The same run is then killed with SIGKILL at
random moments — during model loading, between steps, in the middle of a checkpoint write —
at least 20 times, restarted each time with the same command, and finally allowed to finish.
Because every checkpoint is committed by a rename and every step's randomness is a function of
(seed, step), the final LoRA must equal the uninterrupted one (tolerance 1e-6; in practice it is
bit-identical on the CPU). No staging folder may be left behind.

Usage: test_train_kill_resume.py STEER_BINARY FIXTURES_DIR [KILLS]
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from train_support import Report, lora_max_difference, run, write_subject


def newest_step(out: Path) -> int:
    steps = [int(p.name.split("-")[1]) for p in (out / "checkpoints").glob("step-*")] if (out / "checkpoints").exists() else []
    return max(steps, default=0)


def main() -> int:
    steer, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
    wanted_kills = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    t = Report()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        photos = write_subject(tmp / "photos")

        def args(out: Path) -> list[str]:
            return ["train", "--base-model", str(fixtures / "parity" / "sd1-tiny"), "--dataset", str(photos),
                    "--instance-prompt", "a photo of sks emblem", "--resolution", "64", "--rank", "4", "--alpha", "4",
                    "--output", str(out), "--max-steps", "160", "--checkpoint-every", "2", "--keep-checkpoints", "2",
                    "--learning-rate", "0.001", "--lr-schedule", "cosine", "--warmup-steps", "10", "--flip",
                    "--noise-offset", "0.05", "--seed", "11"]

        reference = tmp / "uninterrupted"
        r = run(steer, *args(reference))
        t.check(r.returncode == 0, f"the uninterrupted run finishes ({r.stderr[-300:] if r.returncode else ''})")

        out = tmp / "killed"
        kills = 0
        lives = 0
        progress = []
        finished = False
        while lives < 400:
            lives += 1
            p = subprocess.Popen([str(steer), *args(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if kills < wanted_kills:
                # Kill somewhere between start-up and a few steps in; the window keeps moving
                # across loading, stepping and checkpoint writes.
                time.sleep(rng.uniform(0.05, 1.2))
                if p.poll() is None:
                    p.kill()
                    p.wait()
                    kills += 1
                    progress.append(newest_step(out))
                    continue
            _, err = p.communicate(timeout=600)
            if p.returncode == 0:
                finished = True
                break
            print(err.decode()[-500:])
            break
        print(f"  {kills} SIGKILLs; newest checkpoint after each: {progress}")
        t.check(kills >= wanted_kills, f"the run was killed {kills} times (at least {wanted_kills})")
        t.check(finished, "the killed run finally finishes")
        t.check(progress == sorted(progress), "checkpoints only ever move forward")
        leftovers = [p.name for p in (out / "checkpoints").iterdir() if p.name.startswith(".")]
        t.check(not leftovers, f"no staging folders are left ({leftovers})")
        if finished:
            diff = lora_max_difference(reference / "subject.safetensors", out / "subject.safetensors")
            print(f"  killed-and-resumed vs uninterrupted LoRA: max |diff| {diff}")
            t.check(diff <= 1e-6, f"the final LoRA equals the uninterrupted run's (max |diff| {diff})")
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
