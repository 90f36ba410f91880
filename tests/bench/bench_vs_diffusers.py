"""Side-by-side CPU benchmark: `steer bench` and diffusers on the same model folder, the
same inputs and the same thread count, in one run. Prints each implementation's median
time per piece and the ratio ours / diffusers (below 1 means we are faster).

    .venv/bin/python tests/bench/bench_vs_diffusers.py --steer build/app/steer \
        --model build/fixtures/parity/sd15-random [--latent 16] [--threads 2] [--repeats 3]

The model defaults to SD1.5's real configuration with random weights, made by
tests/fixtures/make_parity_fixtures.py --tier sd15 (about 4 GB) when it is not there yet.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

PROMPTS = ["a photo of a red mug on a wooden table, soft light", ""]


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up, as steer bench does
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_diffusers(model: Path, latent: int, batch: int, repeats: int) -> dict:
    from diffusers import StableDiffusionPipeline

    pipe = StableDiffusionPipeline.from_pretrained(model, dtype=torch.float32, safety_checker=None)
    # Same inputs as steer bench: CPU generator seeded 1234, (batch, 4, L, L), t = 500.
    gen = torch.Generator().manual_seed(1234)
    latents = torch.randn(batch, pipe.unet.config.in_channels, latent, latent, generator=gen)
    t = torch.full((batch,), 500.0)
    prompts = [PROMPTS[b % 2] for b in range(batch)]
    ids = pipe.tokenizer(prompts, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    with torch.inference_mode():
        context = pipe.text_encoder(ids)[0]
        return {
            "text_encode_ms": median_ms(lambda: pipe.text_encoder(ids), repeats),
            "unet_forward_ms": median_ms(lambda: pipe.unet(latents, t, encoder_hidden_states=context), repeats),
            "vae_decode_ms": median_ms(lambda: pipe.vae.decode(latents[:1]), repeats),
        }


def bench_steer(steer: Path, model: Path, latent: int, batch: int, threads: int, repeats: int) -> dict:
    cmd = [str(steer), "bench", "--model", str(model), "--latent", str(latent), "--batch", str(batch),
           "--threads", str(threads), "--repeats", str(repeats)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    raise SystemExit(f"steer bench printed no BENCH_JSON line:\n{out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steer", type=Path, default=Path("build/app/steer"))
    ap.add_argument("--model", type=Path, default=Path("build/fixtures/parity/sd15-random"))
    ap.add_argument("--latent", type=int, default=16)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--markdown", type=Path, help="also write the result table to this file")
    args = ap.parse_args()

    if not (args.model / "model_index.json").exists():
        print(f"making {args.model} (SD1.5 config, random weights)...", flush=True)
        fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "make_parity_fixtures.py"
        subprocess.run([sys.executable, str(fixtures), "--out", str(args.model.parent), "--tier", "sd15"], check=True)

    torch.set_num_threads(args.threads)
    ours = bench_steer(args.steer, args.model, args.latent, args.batch, args.threads, args.repeats)
    theirs = bench_diffusers(args.model, args.latent, args.batch, args.repeats)

    rows = [("text encode (batch %d)" % args.batch, "text_encode_ms"),
            ("UNet forward (batch %d)" % args.batch, "unet_forward_ms"),
            ("VAE decode (batch 1)", "vae_decode_ms")]
    header = (f"Model: {args.model.name} (SD1.5 configuration), fp32, CPU, {args.threads} threads, "
              f"latent {args.latent}x{args.latent} ({args.latent * 8}x{args.latent * 8} px), median of {args.repeats}; "
              f"torch {torch.__version__}")
    lines = [header, "", "| piece | steer (ms) | diffusers (ms) | ratio steer / diffusers |", "|---|---|---|---|"]
    for label, key in rows:
        lines.append(f"| {label} | {ours[key]:.1f} | {theirs[key]:.1f} | {ours[key] / theirs[key]:.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")


if __name__ == "__main__":
    main()
