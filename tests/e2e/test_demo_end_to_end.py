"""`steer demo --quick` end to end on the demo model (issue 6):

1. it exits 0 and prints the trade-off table, the verdict, the output folder and the total time;
2. the output folder holds the subject photos with captions, the LoRA with AG's weak checkpoint,
   and two exported sets (sweep/: CFG, AG, PG; base-model/: the no-LoRA reference), each with
   images that decode, a sidecar per image, index.json, index.csv and grid.png;
3. scores.csv has one row per exported image, every score in [0, 1], and scores.json agrees;
4. tradeoff.md (table, Pareto settings, the PG verdict) and tradeoff.png exist; --report copies
   both;
5. a folder holding anything but an earlier demo is refused before any work, a missing model is
   refused naming the folder, and Ctrl-C (SIGINT) stops the demo with exit code 130.

Usage: test_demo_end_to_end.py STEER_BINARY DEMO_MODEL_DIR
"""
from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from train_support import Report, run

METHODS = {"cfg", "ag", "pg", "base"}


def decodes(path: Path) -> bool:
    try:
        with Image.open(path) as im:
            im.load()
            return im.size[0] > 0
    except Exception:  # noqa: BLE001 - any decoding failure is the failure being tested
        return False


def check_set(t: Report, folder: Path, name: str) -> list[str]:
    """An exported set: images that decode, one sidecar each, index and grid. Returns the image names."""
    grids = sorted(p.name for p in folder.glob("grid*.png"))
    images = sorted(p.name for p in folder.glob("*.png") if p.name not in grids)
    t.check(len(images) > 0, f"{name}: has images ({len(images)})")
    t.check(all(decodes(folder / i) for i in images), f"{name}: every image decodes")
    t.check(all(Image.open(folder / i).size == (64, 64) for i in images), f"{name}: images are 64x64")
    t.check(all((folder / (Path(i).stem + ".json")).exists() for i in images), f"{name}: a sidecar per image")
    index = json.loads((folder / "index.json").read_text()) if (folder / "index.json").exists() else {}
    cells = index.get("cells", [])
    t.check(sorted(c["file"] for c in cells) == images, f"{name}: index.json lists every image ({len(cells)} of {len(images)})")
    t.check((folder / "index.csv").exists(), f"{name}: index.csv")
    t.check((folder / "grid.png").exists() and decodes(folder / "grid.png"), f"{name}: grid.png decodes")
    prompts = next((len(a["labels"]) for a in index.get("axes", []) if a["name"] == "prompt"), 1)
    prompt_grids = [g["file"] for g in index.get("prompt_grids", [])]
    t.check(len(prompt_grids) == (prompts if prompts > 1 else 0)
            and sorted(prompt_grids) == [g for g in grids if g != "grid.png"]
            and all(decodes(folder / g) for g in prompt_grids),
            f"{name}: one grid per prompt ({prompts} prompts), each decoding: {prompt_grids}")
    return images


def main() -> int:
    steer, model = Path(sys.argv[1]), Path(sys.argv[2])
    if not (model / "model_index.json").exists():
        print(f"[FAIL] the demo model {model} is missing (no model_index.json): make it with "
              "`steer train-base` (see README) before running this test")
        return 1
    t = Report()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out, report = tmp / "demo", tmp / "report"

        # 1. the quick demo
        started = time.time()
        r = run(steer, "demo", "--quick", "--model", str(model), "--out", str(out), "--report", str(report))
        seconds = time.time() - started
        t.check(r.returncode == 0, f"steer demo --quick exits 0 in {seconds:.0f} s ({r.stderr[-600:] if r.returncode else ''})")
        if r.returncode != 0:
            return t.exit_code()
        lines = r.stdout.strip().splitlines()
        t.check(lines[-1] == str(out), "the last line is the output folder")
        t.check(any(line.startswith("total time: ") and line.endswith(" s") for line in lines), "it prints the total time")
        table = [line for line in lines if line.startswith("|")]
        t.check(len(table) >= 3 and "text fidelity" in table[0] and "subject fidelity" in table[0],
                "it prints the trade-off table")
        printed = {row.split("|")[1].strip().split(" ")[0] for row in table[2:]}
        t.check(printed == METHODS, f"the table has rows for base, cfg, ag and pg ({sorted(printed)})")
        t.check("Pareto-optimal" in r.stdout and "Does PG reach points that neither CFG nor AG reaches?" in r.stdout,
                "it prints the Pareto settings and the PG verdict")
        t.check("lora step" in r.stderr and "sweep image" in r.stderr, "progress for training and the sweep")

        # 2. the folder
        photos = sorted((out / "subject-photos").glob("*.png"))
        t.check(len(photos) == 5 and all(decodes(p) for p in photos), "5 subject photos")
        t.check(all(p.with_suffix(".txt").read_text().strip() == "a photo of sks emblem" for p in photos),
                "each with its caption sidecar")
        t.check((out / "lora" / "sks-emblem.safetensors").exists(), "the LoRA")
        demo = json.loads((out / "demo.json").read_text())
        weak = out / "lora" / "checkpoints" / f"step-{demo['weak_step']:06d}" / "lora.safetensors"
        t.check(weak.exists(), f"AG's weak model, the checkpoint at step {demo['weak_step']}")
        sweep = check_set(t, out / "sweep", "sweep")
        base = check_set(t, out / "base-model", "base-model")
        # Axes that do not apply are not repeated: ω changes PG only, so CFG and AG have one
        # image per λ, seed and prompt (ω null in their sidecars and index entries), PG one per ω.
        sweep_index = json.loads((out / "sweep" / "index.json").read_text())
        sweep_cells = sweep_index.get("cells", [])
        quick_grid = len(demo["lambdas"]) * len(demo["seeds"]) * demo["prompts"]
        for method, per_omega in (("cfg", 1), ("ag", 1), ("pg", len(demo["omegas"]))):
            own = [c for c in sweep_cells if c["settings"]["method"] == method]
            t.check(len(own) == quick_grid * per_omega, f"sweep: {len(own)} {method} images (expected {quick_grid * per_omega})")
            if method != "pg":
                t.check(all(c["axis_values"].get("omega", "") is None and c["settings"]["omega"] is None for c in own),
                        f"sweep: ω is null (not applicable) for {method}")
        settings = [json.dumps({k: v for k, v in c["settings"].items() if k != "software_version"}, sort_keys=True)
                    for c in sweep_cells]
        t.check(len(set(settings)) == len(settings), "sweep: no two images have the same settings (no duplicate CFG images)")
        sidecar = json.loads((out / "sweep" / (Path(sweep[0]).stem + ".json")).read_text())
        settings = sidecar.get("settings", {})
        t.check("sks emblem" in settings.get("prompt", "") and settings.get("subject_name") == "sks-emblem.safetensors",
                "a sweep sidecar records the prompt and the LoRA subject")
        base_settings = json.loads((out / "base-model" / (Path(base[0]).stem + ".json")).read_text()).get("settings", {})
        t.check(base_settings.get("method") == "cfg" and base_settings.get("subject_name") == "",
                "a base-model sidecar records CFG without a subject")

        # 3. scores
        with open(out / "scores.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        files = sorted(row["file"] for row in rows)
        expected = sorted([f"sweep/{i}" for i in sweep] + [f"base-model/{i}" for i in base])
        t.check(files == expected, f"scores.csv has one row per image ({len(rows)} rows, {len(expected)} images)")
        values = [float(row[k]) for row in rows for k in ("text_fidelity", "subject_fidelity")]
        t.check(all(0.0 <= v <= 1.0 for v in values), "every score is in [0, 1]")
        t.check({row["method"] for row in rows} == METHODS, "scores for cfg, ag, pg and the base model")
        t.check(all(row["omega"] != "" for row in rows if row["method"] == "pg")
                and all(row["omega"] == "" for row in rows if row["method"] != "pg"), "ω is recorded for PG only")
        scores = json.loads((out / "scores.json").read_text())["images"]
        t.check(len(scores) == len(rows) and all(0 <= s["text_fidelity"] <= 1 for s in scores),
                "scores.json has the same images")

        # 4. the trade-off
        md = (out / "tradeoff.md").read_text() if (out / "tradeoff.md").exists() else ""
        t.check("| method" in md and "Pareto-optimal" in md and "tradeoff.png" in md, "tradeoff.md: table, Pareto, plot")
        png = out / "tradeoff.png"
        t.check(png.exists() and decodes(png) and Image.open(png).size[0] >= 400, "tradeoff.png decodes")
        t.check((report / "tradeoff.md").read_bytes() == md.encode() and
                (report / "tradeoff.png").read_bytes() == png.read_bytes(), "--report copies tradeoff.md and .png")

        # 5. refusals and cancellation
        other = tmp / "not-a-demo"
        other.mkdir()
        (other / "thesis.txt").write_text("keep me")
        r = run(steer, "demo", "--quick", "--model", str(model), "--out", str(other))
        t.check(r.returncode == 1 and "demo.json" in r.stderr and (other / "thesis.txt").exists()
                and len(list(other.iterdir())) == 1, "a folder that is not a demo's is refused and left alone")
        r = run(steer, "demo", "--quick", "--model", str(tmp / "no-model"), "--out", str(tmp / "x"))
        t.check(r.returncode == 1 and "no-model" in r.stderr, "a missing model is refused naming the folder")
        p = subprocess.Popen([str(steer), "demo", "--model", str(model), "--out", str(tmp / "cancelled")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and not (tmp / "cancelled" / "lora" / "training.json").exists():
            time.sleep(0.05)
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        t.check(p.returncode == 130 and "cancelled" in err, f"SIGINT stops the demo with 130 (rc {p.returncode})")
        r = run(steer, "demo", "--help")
        t.check(r.returncode == 0 and "--quick" in r.stdout and "--report" in r.stdout, "--help lists the options")
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
