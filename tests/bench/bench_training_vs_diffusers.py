"""Side-by-side training benchmark: one LoRA training step in `steer bench --train-lora` and
in diffusers' DreamBooth-LoRA recipe (train_dreambooth_lora.py: PEFT LoRA on the UNet's
to_q/to_k/to_v/to_out.0, precomputed text embeddings, DDPM noising, MSE on ε, backward,
clip_grad_norm_(1.0), AdamW) on the same model folder, latent size, batch, rank and thread
count, in one run. Each side runs in its own process; peak memory is that process's peak
RSS (model loading included on both sides). Prints the medians and the ratios ours / diffusers
(below 1: we are faster / smaller).

    .venv/bin/python tests/bench/bench_training_vs_diffusers.py --steer build/app/steer \
        --model build/fixtures/parity/sd15-random --latent 32 [--rank 4] [--threads 2] [--steps 5]
        [--markdown docs/bench-training.md]

On a CUDA machine add --device cuda (peak memory is then the process RSS only; the GPU
script reports device memory separately).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

DIFFUSERS_SIDE = r"""
import json, resource, statistics, sys, time
import torch
import torch.nn.functional as F
model, latent, batch, rank, steps, threads, device = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
torch.set_num_threads(threads)
from diffusers import DDPMScheduler, UNet2DConditionModel
from transformers import CLIPTextModel, CLIPTokenizer
from peft import LoraConfig
tok = CLIPTokenizer.from_pretrained(model, subfolder="tokenizer")
te = CLIPTextModel.from_pretrained(model, subfolder="text_encoder").to(device)
unet = UNet2DConditionModel.from_pretrained(model, subfolder="unet").to(device)
sched = DDPMScheduler.from_pretrained(model, subfolder="scheduler")
unet.requires_grad_(False); te.requires_grad_(False)
unet.add_adapter(LoraConfig(r=rank, lora_alpha=rank, init_lora_weights="gaussian",
                            target_modules=["to_k", "to_q", "to_v", "to_out.0"]))
params = [p for p in unet.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), weight_decay=1e-2, eps=1e-8)
ids = tok(["a photo of sks dog"] * batch, padding="max_length", max_length=tok.model_max_length, truncation=True, return_tensors="pt").input_ids.to(device)
with torch.no_grad():
    ehs = te(ids)[0]
gen = torch.Generator().manual_seed(0)
latents = torch.randn(batch, 4, latent, latent, generator=gen).to(device)
times = []
for i in range(steps + 1):
    noise = torch.randn(latents.shape, generator=gen).to(device)
    t = torch.randint(0, sched.config.num_train_timesteps, (batch,), generator=gen).to(device)
    t0 = time.perf_counter()
    noisy = sched.add_noise(latents, noise, t)
    pred = unet(noisy, t, ehs, return_dict=False)[0]
    loss = F.mse_loss(pred.float(), noise.float(), reduction="mean")
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step(); opt.zero_grad()
    if device == "cuda": torch.cuda.synchronize()
    if i > 0: times.append((time.perf_counter() - t0) * 1000)
print("BENCH_JSON " + json.dumps({"lora_step_ms": statistics.median(times),
      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "trainable": sum(p.numel() for p in params)}))
"""


def bench_json(cmd: list[str]) -> dict:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    raise SystemExit(f"no BENCH_JSON line from {cmd[0]}:\n{out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steer", type=Path, default=Path("build/app/steer"))
    ap.add_argument("--model", type=Path, default=Path("build/fixtures/parity/sd15-random"))
    ap.add_argument("--latent", type=int, default=32)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--rank", type=int, default=4)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--markdown", type=Path, help="also write the result table to this file")
    a = ap.parse_args()

    common = ["--model", str(a.model), "--latent", str(a.latent), "--batch", str(a.batch), "--steps", str(a.steps),
              "--threads", str(a.threads), "--device", a.device]
    ours = bench_json([str(a.steer), "bench", "--train-lora", "--rank", str(a.rank), *common])
    ours_ckpt = bench_json([str(a.steer), "bench", "--train-lora", "--rank", str(a.rank), "--gradient-checkpointing", *common])
    theirs = bench_json([sys.executable, "-c", DIFFUSERS_SIDE, str(a.model), str(a.latent), str(a.batch), str(a.rank),
                         str(a.steps), str(a.threads), a.device])
    import torch

    rows = [
        ("LoRA step (ms, median)", ours["lora_step_ms"], theirs["lora_step_ms"]),
        ("peak RSS (MB)", ours["peak_rss_mb"], theirs["peak_rss_mb"]),
    ]
    lines = [f"LoRA training step: {a.model.name}, latent {a.latent}x{a.latent} (= {8 * a.latent} px), batch {a.batch}, "
             f"rank {a.rank}, {a.threads} threads, {a.device}, torch {torch.__version__}",
             "", "| | steer | diffusers + PEFT | steer / diffusers |", "|---|---|---|---|"]
    for name, o, t in rows:
        lines.append(f"| {name} | {o:.1f} | {t:.1f} | {o / t:.2f} |")
    lines.append(f"| LoRA step with gradient checkpointing (ms) | {ours_ckpt['lora_step_ms']:.1f} | | "
                 f"{ours_ckpt['lora_step_ms'] / ours['lora_step_ms']:.2f} × steer without |")
    lines.append(f"| peak RSS with gradient checkpointing (MB) | {ours_ckpt['peak_rss_mb']:.1f} | | |")
    lines.append("")
    lines.append(f"trainable LoRA weights: steer {ours['trainable']} layers, diffusers {theirs['trainable']} parameters")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        a.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
