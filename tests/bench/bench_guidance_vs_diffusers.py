"""Guided-step benchmark, side by side with diffusers on the same CPU, model, LoRA, inputs
and thread count, in one run:

- time per guided step in steer as users run it. The baseline is CFG with the LoRA merged into
  the weights (what every tool does for a LoRA at one strength). Against it: CFG unmerged, PG
  (ω = 0.5, and a linear ω schedule) with the LoRA, which cannot merge (two LoRA weights per
  step) and runs one batch-2 call with per-sample scales; and a fully fine-tuned subject
  (--finetuned: the UNet perturbed, a DreamBooth-style folder) with CFG, PG at a constant ω
  (θ_ω built once) and PG with an ω schedule (θ_ω rebuilt every step), unbatched;
- steer's CFG step against diffusers' CFG step (UNet batch 2 + guidance + Euler step) with
  the same LoRA loaded through PEFT;
- the live preview's share of a step (x0 estimate + latent->RGB projection).

    .venv/bin/python tests/bench/bench_guidance_vs_diffusers.py --steer build/app/steer \
        --model build/fixtures/parity/sd15-random [--latent 16] [--threads 2] [--steps 6]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

PROMPT = "a photo of sks mug on a wooden table, soft light"


def make_lora(model: Path, out: Path) -> Path:
    """A rank-4 LoRA on the UNet's attention projections with random (nonzero) weights,
    saved in diffusers naming, the way diffusers' DreamBooth LoRA script saves one."""
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    unet = UNet2DConditionModel.from_pretrained(model / "unet")
    unet.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights="gaussian",
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    gen = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for name, p in unet.named_parameters():
            if "lora_B" in name:
                p.copy_(torch.randn(p.shape, generator=gen) * 0.01)
    StableDiffusionPipeline.save_lora_weights(out, unet_lora_layers=get_peft_model_state_dict(unet),
                                              safe_serialization=True)
    return out / "pytorch_lora_weights.safetensors"


def make_finetuned(model: Path, out: Path) -> Path:
    """A fully fine-tuned subject: the model's folder with every UNet weight perturbed (what a
    DreamBooth run changes); the other components are linked, not copied."""
    from safetensors.torch import load_file, save_file

    folder = out / "finetuned"
    folder.mkdir()
    for part in model.iterdir():
        if part.name != "unet":
            (folder / part.name).symlink_to(part.resolve())
    (folder / "unet").mkdir()
    for f in (model / "unet").iterdir():
        if f.suffix == ".safetensors" and ".fp16." not in f.name:
            weights = load_file(f)
            gen = torch.Generator().manual_seed(11)
            save_file({k: v + 0.01 * v.std().nan_to_num() * torch.randn(v.shape, generator=gen) for k, v in weights.items()},
                      folder / "unet" / f.name)
        elif f.suffix == ".json":
            (folder / "unet" / f.name).write_text(f.read_text())
    return folder


def diffusers_cfg_step_ms(model: Path, lora: Path, latent: int, steps: int) -> float:
    from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline

    pipe = StableDiffusionPipeline.from_pretrained(model, dtype=torch.float32, safety_checker=None)
    pipe.load_lora_weights(lora, adapter_name="subject")
    pipe.fuse_lora()  # merged, as steer's CFG baseline and as users run a LoRA at one strength
    scheduler = EulerDiscreteScheduler.from_config(pipe.scheduler.config)
    scheduler.set_timesteps(steps)
    gen = torch.Generator().manual_seed(1234)
    x = torch.randn(1, 4, latent, latent, generator=gen) * scheduler.init_noise_sigma
    tok = lambda p: pipe.tokenizer(p, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    times = []
    with torch.inference_mode():
        context = torch.cat([pipe.text_encoder(tok(""))[0], pipe.text_encoder(tok(PROMPT))[0]])
        for run in range(2):  # the first run warms up, as steer bench does
            scheduler.set_timesteps(steps)
            xs = x.clone()
            for t in scheduler.timesteps:
                t0 = time.perf_counter()
                x_in = scheduler.scale_model_input(torch.cat([xs, xs]), t)
                uncond, cond = pipe.unet(x_in, t, encoder_hidden_states=context).sample.chunk(2)
                xs = scheduler.step(uncond + 5.0 * (cond - uncond), t, xs).prev_sample
                if run == 1:
                    times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steer", type=Path, default=Path("build/app/steer"))
    ap.add_argument("--model", type=Path, default=Path("build/fixtures/parity/sd15-random"))
    ap.add_argument("--latent", type=int, default=16)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--finetuned", action="store_true", help="also time a fully fine-tuned subject (3 UNet copies in memory)")
    args = ap.parse_args()
    if not (args.model / "model_index.json").exists():
        fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "make_parity_fixtures.py"
        subprocess.run([sys.executable, str(fixtures), "--out", str(args.model.parent), "--tier", "sd15"], check=True)
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        lora = make_lora(args.model, Path(tmp))
        command = [str(args.steer), "bench", "--model", str(args.model), "--guided", "--lora", str(lora),
                   "--latent", str(args.latent), "--threads", str(args.threads), "--steps", str(args.steps)]
        if args.finetuned:
            command += ["--finetuned", str(make_finetuned(args.model, Path(tmp)))]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print(out)
        ours = json.loads(next(l for l in out.splitlines() if l.startswith("BENCH_JSON "))[len("BENCH_JSON "):])
        theirs = diffusers_cfg_step_ms(args.model, lora, args.latent, args.steps)
    lines = [
        f"Model: {args.model.name} (SD1.5 configuration) + a rank-4 attention LoRA, fp32, CPU, {args.threads} threads, "
        f"latent {args.latent}x{args.latent} ({args.latent * 8}x{args.latent * 8} px), Euler, median step of {args.steps}; "
        f"torch {torch.__version__}",
        "",
        "| measure | ms per step | / CFG with the LoRA merged |",
        "|---|---|---|",
    ]
    base = ours["cfg_lora_merged_ms"]
    names = {
        "cfg_no_subject": "CFG, no subject",
        "cfg_lora_merged": "**CFG, LoRA merged (the baseline users run)**",
        "cfg_lora_unmerged": "CFG, LoRA unmerged (per-sample branches)",
        "pg_lora": "**PG, LoRA, ω = 0.5** (one batch-2 call, per-sample scales)",
        "pg_lora_scheduled": "**PG, LoRA, ω linear 0.2→0.8**",
        "cfg_finetuned": "CFG, fine-tuned subject",
        "pg_finetuned": "**PG, fine-tuned subject, ω = 0.5** (two calls; θ_ω built once)",
        "pg_finetuned_scheduled": "**PG, fine-tuned subject, ω linear 0.2→0.8** (θ_ω rebuilt every step)",
    }
    for key, label in names.items():
        if f"{key}_ms" in ours:
            lines.append(f"| {label} | {ours[key + '_ms']:.1f} | {ours[key + '_ms'] / base:.3f} |")
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| diffusers CFG step (LoRA loaded with PEFT, fused) | {theirs:.1f} ms |",
        f"| **steer CFG (LoRA merged) / diffusers CFG (LoRA fused)** | **{ours['cfg_step_ms'] / theirs:.2f}** |",
        f"| preview (x0 estimate + latent->RGB) | {ours['preview_ms']:.3f} ms = **{100 * ours['preview_ms'] / ours['cfg_step_ms']:.3f} %** of a step |",
    ]
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")


if __name__ == "__main__":
    main()
