"""Reliability of `steer train` under SIGKILL (issue 5, item 13; issue 10, item 6).

An uninterrupted LoRA run is the reference. The same run is then killed with SIGKILL at
least 20 times — during model loading, between steps, in the middle of a checkpoint write —
restarted each time with the same command, and finally allowed to finish. Because every
checkpoint is committed by a rename and every step's randomness is a function of (seed, step),
the final LoRA must equal the uninterrupted one (tolerance 1e-6; in practice it is
bit-identical on the CPU). No staging folder may be left behind.

That equality alone would also hold if every kill landed while the model was still loading
(nothing to lose, nothing to resume), so the test also proves where the kills landed. Each
life's stderr goes to a pseudo-terminal, where `steer train` prints every step ("train step
N/160 ...", not only every tenth of the run as into a pipe), "resumed from step N (step-...)"
when it continues a checkpoint and "checkpoint written: ..." after each commit. For every kill
it logs the last step the process had printed and the newest checkpoint on disk, and asserts:
  1. at least half the kills landed mid-run: the killed process had printed a training step,
     a checkpoint had been committed, and the run had not finished;
  2. the kills' checkpoint steps are spread: at least 5 distinct ones, covering at least a
     third of the run;
  3. at least one kill landed between checkpoints (its last printed step is beyond the newest
     checkpoint on disk, i.e. work was lost and must be redone identically);
  4. every life that trained continued from the newest checkpoint on disk when it started:
     it printed "resumed from step N" for exactly that N and its first step was N + 1.
`verdicts` computes these from the per-life records; `self_check` runs it first on synthetic
records — a run whose kills all land during model loading must fail 1 to 4, a healthy one must
pass them, a resume from an older checkpoint must fail 4.

The kill schedule. With one torch thread, starting, loading and encoding take about 0.9 s
of each life here (2 shared cores) and a step about 0.07 s; with two threads on a loaded
machine 1.3 s and 0.2-2 s. The old schedule (a random 0.05-1.2 s after each start) killed most
lives before their first step, and with steps slow, all of them. Now one kill in four still
comes at a random 0.05-1.2 s after the start (model loading, or the first steps when loading is
quick); the others wait until the process has printed a planned step (sorted random steps over
2..145, so the kills walk across the whole run whatever the machine's speed, and the run cannot
finish before the last kill) and then a random 0-0.5 s more, which lands anywhere in a step or
a checkpoint write. Measured here: 16 of 20 kills mid-run, 15 distinct checkpoint steps from 2
to 150, 9 kills between checkpoints, about 40 s in all (the reference run 11 s). The same run
with every kill 0.05-0.5 s after the start fails checks 1 to 4 and still passes the LoRA
equality.

Usage: test_train_kill_resume.py STEER_BINARY FIXTURES_DIR [KILLS]
"""
from __future__ import annotations

import dataclasses
import os
import pty
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from train_support import Report, lora_max_difference, run, write_subject

MAX_STEPS = 160
CHECKPOINT_EVERY = 2

STEP_LINE = re.compile(r"train step (\d+)/(\d+) ")
RESUMED_LINE = re.compile(r"resumed from step (\d+) \(step-(\d+)\)")


def newest_step(out: Path) -> int:
    steps = [int(p.name.split("-")[1]) for p in (out / "checkpoints").glob("step-*")] if (out / "checkpoints").exists() else []
    return max(steps, default=0)


@dataclasses.dataclass
class Life:
    """One start of `steer train` on the killed output folder."""
    start_checkpoint: int          # newest checkpoint on disk when it started
    plan: str = ""                 # how it was to be killed ("loading", "after step N", "finish")
    killed: bool = False
    seconds: float = 0.0           # from start to kill (or exit)
    steps: list[int] = dataclasses.field(default_factory=list)  # steps it printed, in order
    resumed_from: int | None = None
    finished: bool = False         # printed "LoRA written to"
    end_checkpoint: int = 0        # newest checkpoint on disk after it died
    returncode: int | None = None
    tail: str = ""

    @property
    def last_step(self) -> int:
        return self.steps[-1] if self.steps else 0


class StderrReader(threading.Thread):
    """Drains a pseudo-terminal master (so the writer never blocks) and parses what the
    process printed; `reached` is set once it printed a step >= `target`."""

    def __init__(self, master: int, life: Life, target: int | None) -> None:
        super().__init__(daemon=True)
        self.master, self.life, self.target = master, life, target
        self.reached = threading.Event()
        self.text = ""

    def run(self) -> None:
        pending = ""
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the slave side is closed (the process died)
                data = b""
            if not data:
                break
            pending += data.decode(errors="replace")
            # Terminal progress lines are "\r\033[K<line>" without a newline until the next one;
            # the step number is complete once "/total " follows it, so parse the open tail too.
            parts = re.split(r"[\r\n]+", pending)
            pending = parts.pop()
            for part in parts:
                self.line(part)
            m = STEP_LINE.search(pending)
            if m:
                self.step(int(m.group(1)))
        if pending:
            self.line(pending)
        self.reached.set()
        os.close(self.master)

    def step(self, n: int) -> None:
        if not self.life.steps or self.life.steps[-1] != n:
            self.life.steps.append(n)
        if self.target is not None and n >= self.target:
            self.reached.set()

    def line(self, text: str) -> None:
        text = text.replace("\x1b[K", "").strip()
        if not text:
            return
        self.text += text + "\n"
        if m := STEP_LINE.search(text):
            self.step(int(m.group(1)))
        elif m := RESUMED_LINE.search(text):
            self.life.resumed_from = int(m.group(1))
        elif text.startswith("LoRA written to"):
            self.life.finished = True


def start_life(steer: Path, args: list[str], out: Path, plan: str, target: int | None) -> tuple[subprocess.Popen, StderrReader, Life]:
    life = Life(start_checkpoint=newest_step(out), plan=plan)
    master, slave = pty.openpty()
    p = subprocess.Popen([str(steer), *args], stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    reader = StderrReader(master, life, target)
    reader.start()
    return p, reader, life


def finish_life(p: subprocess.Popen, reader: StderrReader, life: Life, out: Path, started: float) -> None:
    life.returncode = p.wait()
    life.seconds = time.monotonic() - started
    reader.join(timeout=30)
    life.end_checkpoint = newest_step(out)
    life.tail = reader.text[-500:]


def verdicts(lives: list[Life], max_steps: int, wanted_kills: int) -> dict[str, tuple[bool, str]]:
    """The four mid-run assertions over the per-life records, as {name: (passed, detail)}."""
    kills = [life for life in lives if life.killed]
    mid_run = [k for k in kills if k.steps and 0 < k.end_checkpoint < max_steps and not k.finished]
    need_mid = max(1, wanted_kills // 2)
    seen = sorted({k.end_checkpoint for k in kills if k.end_checkpoint > 0})
    need_span = max_steps // 3
    between = [k for k in kills if k.last_step > k.end_checkpoint]
    trained = [life for life in lives if life.steps or life.resumed_from is not None]
    wrong = [f"life {lives.index(life) + 1}: newest checkpoint {life.start_checkpoint}, printed resumed from "
             f"{life.resumed_from}, first step {life.steps[0] if life.steps else '-'}"
             for life in trained
             if life.resumed_from != (life.start_checkpoint or None)
             or (life.steps and life.steps[0] != life.start_checkpoint + 1)]
    resumed = [life for life in trained if life.resumed_from and life.steps]
    return {
        "mid_run": (len(mid_run) >= need_mid,
                    f"{len(mid_run)} of {len(kills)} kills landed mid-run (a step printed, a checkpoint committed, "
                    f"not finished; at least {need_mid})"),
        "spread": (len(seen) >= 5 and (seen[-1] - seen[0] if seen else 0) >= need_span,
                   f"the kills saw {len(seen)} distinct checkpoint steps (at least 5) spanning "
                   f"{seen[0] if seen else '-'}..{seen[-1] if seen else '-'} (at least {need_span} steps)"),
        "between": (len(between) >= 1,
                    f"{len(between)} kills landed between checkpoints (last printed step beyond the newest checkpoint; "
                    f"at least 1)"),
        "resumed": (not wrong and len(resumed) >= need_mid,
                    f"every life that trained continued from the newest checkpoint: {len(trained)} lives checked, "
                    f"{len(resumed)} resumed from a checkpoint and trained on (at least {need_mid})"
                    + (f"; wrong: {wrong}" if wrong else "")),
    }


def self_check(t: Report) -> None:
    """Controls for `verdicts` on synthetic records (20 kills of a 160-step run, checkpoints every 2)."""
    # Every kill during model loading: no step printed; later lives find the checkpoint some
    # earlier life left and print "resumed from" before dying, but never train.
    loading_only = [Life(start_checkpoint=0, killed=True, end_checkpoint=0) for _ in range(10)]
    loading_only += [Life(start_checkpoint=8, killed=True, resumed_from=8, end_checkpoint=8) for _ in range(10)]
    loading_only.append(Life(start_checkpoint=8, resumed_from=8, steps=list(range(9, 161)), finished=True,
                             end_checkpoint=160))
    v = verdicts(loading_only, MAX_STEPS, 20)
    t.check(not any(ok for ok, _ in v.values()),
            f"control: kills that all land during model loading fail all four mid-run checks ({ {k: ok for k, (ok, _) in v.items()} })")

    # A healthy run: each life resumes from the newest checkpoint and is killed some steps on,
    # every third one between checkpoints (an odd step printed).
    healthy, checkpoint = [], 0
    for i in range(20):
        last = checkpoint + 4 + (i % 3 == 0)
        healthy.append(Life(start_checkpoint=checkpoint, killed=True, resumed_from=checkpoint or None,
                            steps=list(range(checkpoint + 1, last + 1)), end_checkpoint=last - last % 2))
        checkpoint = last - last % 2
    healthy.append(Life(start_checkpoint=checkpoint, resumed_from=checkpoint, steps=list(range(checkpoint + 1, 161)),
                        finished=True, end_checkpoint=160))
    v = verdicts(healthy, MAX_STEPS, 20)
    t.check(all(ok for ok, _ in v.values()), f"control: a synthetic run killed mid-run passes them ({ {k: ok for k, (ok, _) in v.items()} })")

    # A life that resumed from an older checkpoint than the newest one on disk.
    stale = [dataclasses.replace(life) for life in healthy]
    stale[5] = dataclasses.replace(stale[5], resumed_from=stale[5].start_checkpoint - 2,
                                   steps=[s - 2 for s in stale[5].steps])
    t.check(not verdicts(stale, MAX_STEPS, 20)["resumed"][0], "control: a resume from an older checkpoint fails check 4")


def main() -> int:
    steer, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
    wanted_kills = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    t = Report()
    self_check(t)
    # One torch thread for every run (reference included, so both compute alike): the tiny model
    # gains nothing from more, and on the shared 2-core machine OpenMP threads competing with other
    # jobs made a step 10-30x slower (a 30-step run: 3 s with one thread, 21 s with two).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rng = random.Random(2026)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        photos = write_subject(tmp / "photos")

        def args(out: Path) -> list[str]:
            return ["train", "--base-model", str(fixtures / "parity" / "sd1-tiny"), "--dataset", str(photos),
                    "--instance-prompt", "a photo of sks emblem", "--resolution", "64", "--rank", "4", "--alpha", "4",
                    "--output", str(out), "--max-steps", str(MAX_STEPS), "--checkpoint-every", str(CHECKPOINT_EVERY),
                    "--keep-checkpoints", "2", "--learning-rate", "0.001", "--lr-schedule", "cosine",
                    "--warmup-steps", "10", "--flip", "--noise-offset", "0.05", "--seed", "11"]

        reference = tmp / "uninterrupted"
        r = run(steer, *args(reference))
        t.check(r.returncode == 0, f"the uninterrupted run finishes ({r.stderr[-300:] if r.returncode else ''})")
        print(f"  uninterrupted run: {time.monotonic() - began:.1f} s", flush=True)

        # One kill in four by time (loading), the others after planned steps spread over the run.
        loading_kills = {i for i in range(wanted_kills) if i % 4 == 0}
        planned = iter(sorted(rng.randrange(2, MAX_STEPS - 14) for _ in range(wanted_kills - len(loading_kills))))

        out = tmp / "killed"
        lives: list[Life] = []
        finished = False
        killed_started = time.monotonic()
        while len(lives) < 400:
            kills = sum(life.killed for life in lives)
            if kills < wanted_kills and kills in loading_kills:
                delay = rng.uniform(0.05, 1.2)
                plan, target = f"loading ({delay:.2f} s after start)", None
            elif kills < wanted_kills:
                target = max(next(planned), newest_step(out) + 1)
                delay = rng.uniform(0.0, 0.5)
                plan = f"{delay:.2f} s after step {target}"
                if target > MAX_STEPS - 10:
                    # Earlier resumes pushed the target near the end, where the run could finish
                    # before the kill lands: kill this life while it loads instead (>= 0.38 s
                    # measured before its first step), so every planned kill happens.
                    delay = rng.uniform(0.05, 0.3)
                    plan, target = f"loading ({delay:.2f} s after start; step target past the end)", None
            else:
                plan, target, delay = "finish", None, None
            started = time.monotonic()
            p, reader, life = start_life(steer, args(out), out, plan, target)
            lives.append(life)
            if delay is not None:
                if target is not None:
                    reader.reached.wait(timeout=300)
                time.sleep(delay)
                if p.poll() is None:
                    p.kill()
                    life.killed = True
            try:
                p.wait(timeout=600)
            except subprocess.TimeoutExpired:
                p.kill()
            finish_life(p, reader, life, out, started)
            if life.killed:
                n = sum(x.killed for x in lives)
                print(f"  kill {n}: after step {life.last_step}, newest checkpoint step {life.end_checkpoint} "
                      f"(started at checkpoint {life.start_checkpoint}, resumed from "
                      f"{life.resumed_from if life.resumed_from is not None else '-'}; planned {plan}; "
                      f"{life.seconds:.2f} s)", flush=True)
                continue
            if life.returncode == 0 and life.finished:
                finished = True
            else:
                print(f"  life {len(lives)} ended with {life.returncode} ({plan}):\n{life.tail}")
            break
        kills = [life for life in lives if life.killed]
        final = lives[-1]
        print(f"  {len(kills)} SIGKILLs in {len(lives)} lives; the last life resumed from step "
              f"{final.resumed_from} and finished: {final.finished}; killed run {time.monotonic() - killed_started:.1f} s, "
              f"total {time.monotonic() - began:.1f} s", flush=True)
        progress = [life.end_checkpoint for life in kills]
        t.check(len(kills) >= wanted_kills, f"the run was killed {len(kills)} times (at least {wanted_kills})")
        t.check(finished, "the killed run finally finishes")
        t.check(progress == sorted(progress), "checkpoints only ever move forward")
        for ok, what in verdicts(lives, MAX_STEPS, wanted_kills).values():
            t.check(ok, what)
        leftovers = [p.name for p in (out / "checkpoints").iterdir() if p.name.startswith(".")] if (out / "checkpoints").exists() else ["no checkpoints folder"]
        t.check(not leftovers, f"no staging folders are left ({leftovers})")
        if finished:
            diff = lora_max_difference(reference / "subject.safetensors", out / "subject.safetensors")
            print(f"  killed-and-resumed vs uninterrupted LoRA: max |diff| {diff}")
            t.check(diff <= 1e-6, f"the final LoRA equals the uninterrupted run's (max |diff| {diff})")
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
