"""What `steer train` writes is read back by diffusers / PEFT and means the same there (issue 10):
the LoRA file in both namings (kohya / A1111 `subject.safetensors`, diffusers / PEFT
`subject.diffusers.safetensors`; UNet attention + feed-forward and text-encoder layers, alpha 8 on
rank 4) and the DreamBooth diffusers folder (UNet and text encoder trained).

1. `steer train` on the tiny SD 1.x fixture: a short LoRA run (every lora_up / lora_B non-zero) and a
   short full DreamBooth run.
2. diffusers reads them: `StableDiffusionPipeline.load_lora_weights(file)` for each LoRA file and
   `StableDiffusionPipeline.from_pretrained(folder)` for DreamBooth, without an exception or a warning
   about unexpected / missing / unused keys (diffusers', PEFT's and transformers' loggers and the
   warnings module are captured; a failure prints what was rejected), and with as many LoRA layers in
   the UNet and the text encoder as the file has. The text-encoder output for a fixed prompt is the
   same whichever naming diffusers loaded, and differs from the base model's.
3. steer's UNet output: `steer generate --save-latent` (Euler, 3 steps: t 999, 499.5, 0; CFG at
   λ = 1; 64x64; seed 7, CPU noise) writes the latent x_{i+1} after every step i. Euler's update is
   x_{i+1} = x_i + (σ_{i+1} - σ_i) ε_i, so steer's prediction at step i is
       ε_i = (x_i - x_{i+1}) / (σ_i - σ_{i+1})      (x_0 = the seed's noise * init_noise_sigma, drawn
   here as diffusers' pipeline draws it). At λ = 1 the guided prediction ∅ + 1 (c - ∅) is the
   prompt's UNet output up to one float32 rounding, so ε_i is ONE UNet output, with steer's own text
   encoder (+ LoRA). diffusers' output at the same point, teacher-forced on steer's own x_i:
       ε_i^ref = UNet(x_i / sqrt(σ_i² + 1), t_i, E(prompt))   (plus the ∅ call, combined the same way)
   with the pipeline's UNet and text encoder E (with the LoRA, or the DreamBooth folder's). Checked:
       max|ε_i - ε_i^ref| / max|ε_i^ref| <= 1e-5  for the steps with σ_i - σ_{i+1} >= 1 (t 999, 499.5).
   The last step (σ 0.029 -> 0) is not checked this way: dividing steer's float32 rounding of x
   (|x| ~ 45 here) by 0.029 alone gives ~3e-5. Measured (CPU, this machine): 0.9e-6 .. 1.9e-6 for
   the LoRA in both namings, the DreamBooth folder and the base model; the extraction alone
   contributes up to ~1.1e-6 at t 499.5.
   Multi-step: a reference loop written here (diffusers' EulerDiscreteScheduler.step and UNet, as
   tests/fixtures/make_pipeline_fixtures.py does) from the same noise must end within
   1e-5 * max|x_final^ref - x_0| of steer's final latent, i.e. relative to what the three UNet steps
   added to the (shared) noise; measured 1.0e-6 .. 1.8e-6. (The last step adds only 0.029 ε.)
   The base model without a subject is compared the same way first: the two pipelines agree at all.
4. Controls, each must miss by at least 100x the tolerance (measured 0.1 .. 0.85): the LoRA at scale
   0.9 in diffusers (`set_adapters(..., 0.9)`, both components), the LoRA's UNet with the base text
   encoder (the text-encoder layers matter), the base model instead of the LoRA (per step and final
   latent), the text-encoder output without the LoRA; for DreamBooth the base model, the folder's
   UNet with the base text encoder, and the base text-encoder output.

`--save-latent` is a `steer generate` option added for this test (app/cli/generate_command.cpp).
Run time about a minute on 2 shared cores.

Usage: test_exports_in_diffusers.py STEER_BINARY FIXTURES_DIR
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file

import diffusers
import transformers
from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline
from diffusers.utils.torch_utils import randn_tensor

from train_support import Report, run, write_subject

diffusers.utils.logging.disable_progress_bar()
transformers.utils.logging.disable_progress_bar()

TOLERANCE = 1e-5  # relative to max|reference|, one UNet output / the final latent
SEPARATION = 100  # a control must miss by at least this many tolerances
SEED = 7
SIZE = 64
STEPS = 3
LAMBDA = 1.0  # CFG at λ 1: the guided prediction is the prompt's UNet output (up to one rounding)
PROMPT = "a photo of sks emblem on a beach"
NEGATIVE = ""
ADAPTER = "subject"
MIN_STEP_SIZE = 1.0  # per-call checks for the steps with σ_i - σ_{i+1} at least this (see above)


def log(msg: str) -> None:
    print(msg, flush=True)


class Captured(logging.Handler):
    """Warnings from diffusers / PEFT / transformers loggers and the warnings module."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


def capture(fn):
    handler = Captured()
    loggers = [logging.getLogger(n) for n in ("diffusers", "peft", "transformers")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn()
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
    lines = handler.lines + [f"warning: {w.message}" for w in caught]
    return result, lines


KEY_WORDS = ("unexpected", "missing", "incompatible", "not loaded", "were not used", "not found", "ignored",
             "newly initialized", "could not")


def key_warnings(lines: list[str]) -> list[str]:
    return [ln for ln in lines if any(w in ln.lower() for w in KEY_WORDS)]


def load_pipe(folder: Path) -> StableDiffusionPipeline:
    pipe = StableDiffusionPipeline.from_pretrained(folder, dtype=torch.float32, safety_checker=None,
                                                   feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def lora_layer_count(module: torch.nn.Module) -> int:
    return sum(1 for m in module.modules() if hasattr(m, "lora_A") and ADAPTER in getattr(m, "lora_A", {}))


def file_layer_counts(path: Path) -> tuple[int, int]:
    with safe_open(str(path), "pt") as f:
        keys = list(f.keys())
    ups = [k for k in keys if k.endswith((".lora_up.weight", ".lora_B.weight"))]
    te = [k for k in ups if k.startswith(("lora_te_", "text_encoder."))]
    return len(ups) - len(te), len(te)


def relative(a: torch.Tensor, ref: torch.Tensor) -> float:
    return float((a.double() - ref.double()).abs().max() / ref.double().abs().max())


@torch.no_grad()
def encode(pipe, prompt: str) -> torch.Tensor:
    return pipe.encode_prompt(prompt, torch.device("cpu"), 1, False)[0].clone()


class Reference:
    """diffusers' side: the Euler schedule of the model's scheduler config, the seed's noise, and the
    guided prediction of a (UNet, embeddings) pair at any point."""

    def __init__(self, scheduler_config) -> None:
        self.config = scheduler_config
        sched = self.scheduler()
        self.timesteps = sched.timesteps.clone()
        self.sigmas = sched.sigmas.clone()
        g = torch.Generator("cpu").manual_seed(SEED)
        self.latent_init = randn_tensor((1, 4, SIZE // 8, SIZE // 8), generator=g, device=torch.device("cpu"),
                                        dtype=torch.float32)
        self.x0 = self.latent_init * sched.init_noise_sigma

    def scheduler(self) -> EulerDiscreteScheduler:
        sched = EulerDiscreteScheduler.from_config(self.config)
        sched.set_timesteps(STEPS, device="cpu")
        return sched

    @torch.no_grad()
    def guided(self, unet, embeds: tuple[torch.Tensor, torch.Tensor], x: torch.Tensor, i: int) -> torch.Tensor:
        # what EulerDiscreteScheduler.scale_model_input does at step i
        x_in = x / ((self.sigmas[i] ** 2 + 1) ** 0.5)
        t = self.timesteps[i]
        strong = unet(x_in, t, encoder_hidden_states=embeds[0], return_dict=False)[0]
        weak = unet(x_in, t, encoder_hidden_states=embeds[1], return_dict=False)[0]
        return weak + LAMBDA * (strong - weak)

    @torch.no_grad()
    def final_latent(self, unet, embeds) -> torch.Tensor:
        sched = self.scheduler()
        g = torch.Generator("cpu").manual_seed(SEED + 1)  # Euler draws (unused) noise in step()
        x = self.latent_init * sched.init_noise_sigma
        for t in sched.timesteps:
            x_in = sched.scale_model_input(x, t)
            strong = unet(x_in, t, encoder_hidden_states=embeds[0], return_dict=False)[0]
            weak = unet(x_in, t, encoder_hidden_states=embeds[1], return_dict=False)[0]
            x = sched.step(weak + LAMBDA * (strong - weak), t, x, generator=g, return_dict=False)[0]
        return x

    def final_error(self, latents: dict, unet, embeds) -> float:
        """steer's final latent against the reference loop's, relative to what the UNet added to x_0."""
        ref = self.final_latent(unet, embeds)
        return float((latents["final_latent"].double() - ref.double()).abs().max()
                     / (ref.double() - self.x0.double()).abs().max())

    def checked_steps(self) -> list[int]:
        return [i for i in range(STEPS) if float(self.sigmas[i] - self.sigmas[i + 1]) >= MIN_STEP_SIZE]

    def steer_predictions(self, latents: dict) -> dict[int, torch.Tensor]:
        xs = [self.x0.double()] + [latents[f"step{i}.latent"].double() for i in range(STEPS)]
        s = self.sigmas.double()
        return {i: (xs[i] - xs[i + 1]) / (s[i] - s[i + 1]) for i in range(STEPS)}

    def per_call_error(self, unet, embeds, latents: dict) -> tuple[float, list[float]]:
        """Teacher-forced on steer's x_i: the largest relative difference of one step's prediction."""
        eps = self.steer_predictions(latents)
        xs = [self.x0] + [latents[f"step{i}.latent"] for i in range(STEPS)]
        errors = [relative(eps[i], self.guided(unet, embeds, xs[i], i)) for i in self.checked_steps()]
        return max(errors), errors


MODEL = Path()  # the tiny SD 1.x fixture, set in main()


def steer_latents(steer: Path, tmp: Path, name: str, *subject: str) -> tuple[dict | None, str]:
    latent_file = tmp / f"{name}.latent.safetensors"
    r = run(steer, "generate", "--model", str(MODEL), *subject, "--prompt", PROMPT, "--negative", NEGATIVE,
            "--seed", str(SEED), "--size", f"{SIZE}x{SIZE}", "--steps", str(STEPS), "--sampler", "euler",
            "--lambda", str(LAMBDA), "--out", str(tmp / f"{name}.png"), "--save-latent", str(latent_file))
    if r.returncode != 0 or not latent_file.exists():
        return None, r.stderr[-600:]
    latents = load_file(str(latent_file))
    wanted = {f"step{i}.latent" for i in range(STEPS)} | {"final_latent"}
    if set(latents) != wanted:
        return None, f"{latent_file.name} holds {sorted(latents)}, not {sorted(wanted)}"
    return latents, ""


class Checks(Report):
    def agrees(self, err: float, what: str) -> None:
        self.check(err <= TOLERANCE, f"{what}: relative difference {err:.1e} <= {TOLERANCE:.0e}")

    def misses(self, err: float, what: str) -> None:
        least = SEPARATION * TOLERANCE
        self.check(err >= least, f"control: {what} misses by {err:.1e} >= {least:.0e}")

    def loads_cleanly(self, what: str, load) -> tuple[bool, object]:
        """Runs load(); a [FAIL] naming the exception or every warning about keys. (loaded, result)"""
        try:
            result, lines = capture(load)
        except Exception as e:  # noqa: BLE001 - what diffusers rejects is the finding
            self.check(False, f"{what}: {type(e).__name__}: {str(e)[:1500]}")
            return False, None
        bad = key_warnings(lines)
        self.check(not bad, what + " without warnings about keys" + "".join(f"\n         {ln[:1500]}" for ln in bad))
        return True, result


def train(steer: Path, t: Checks, tmp: Path) -> tuple[Path, Path, Path] | None:
    """A LoRA (attention + feed-forward + text encoder, alpha 8 on rank 4) and a DreamBooth folder."""
    photos = write_subject(tmp / "photos")
    common = ["--base-model", str(MODEL), "--dataset", str(photos), "--instance-prompt", "a photo of sks emblem",
              "--resolution", "64", "--sample-every", "0", "--checkpoint-every", "1000", "--train-text-encoder"]
    r = run(steer, "train", *common, "--output", str(tmp / "lora"), "--rank", "4", "--alpha", "8",
            "--train-feed-forward", "--max-steps", "8", "--learning-rate", "0.01")
    kohya, peft = tmp / "lora" / "subject.safetensors", tmp / "lora" / "subject.diffusers.safetensors"
    t.check(r.returncode == 0 and kohya.exists() and peft.exists(),
            f"steer train writes the LoRA in both namings{' (' + r.stderr[-400:] + ')' if r.returncode else ''}")
    r = run(steer, "train", *common, "--output", str(tmp / "dreambooth"), "--preset", "dreambooth", "--prior", "none",
            "--max-steps", "3", "--learning-rate", "0.001")
    folder = tmp / "dreambooth" / "subject"
    t.check(r.returncode == 0 and (folder / "model_index.json").exists()
            and (folder / "text_encoder" / "model.safetensors").exists(),
            f"steer train writes a DreamBooth diffusers folder (UNet and text encoder)"
            f"{' (' + r.stderr[-400:] + ')' if r.returncode else ''}")
    if t.failures:
        return None
    for path in (kohya, peft):
        ups = [v for k, v in load_file(str(path)).items() if k.endswith((".lora_up.weight", ".lora_B.weight"))]
        unet_n, te_n = file_layer_counts(path)
        smallest = min(float(v.norm()) for v in ups)
        t.check(smallest > 0 and unet_n > 0 and te_n > 0,
                f"{path.name}: {unet_n} UNet + {te_n} text-encoder layers, every up weight non-zero "
                f"(smallest norm {smallest:.1e})")
    return kohya, peft, folder


def compare(t: Checks, ref: Reference, what: str, unet, embeds, latents: dict) -> None:
    """steer's per-step predictions and final latent against diffusers' (unet, embeds)."""
    err, per_step = ref.per_call_error(unet, embeds, latents)
    steps = ", ".join(f"t {float(ref.timesteps[i]):g}: {e:.1e}" for i, e in zip(ref.checked_steps(), per_step))
    t.agrees(err, f"{what}: steer's UNet output = diffusers' ({steps})")
    t.agrees(ref.final_error(latents, unet, embeds), f"{what}: final latent after {STEPS} steps")


def main() -> int:
    global MODEL
    started = time.time()
    steer, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
    MODEL = fixtures / "parity" / "sd1-tiny"
    torch.set_num_threads(1)
    t = Checks()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        # 1. steer train
        trained = train(steer, t, tmp)
        if trained is None:
            return t.exit_code()
        kohya, peft, folder = trained
        log(f"  (training: {time.time() - started:.0f} s)")

        # steer's latents (all before diffusers loads: the machine is small)
        runs = {}
        for name, subject in (("base", ()), ("kohya", ("--lora", str(kohya))), ("diffusers", ("--lora", str(peft))),
                              ("dreambooth", ("--finetuned", str(folder)))):
            runs[name], err = steer_latents(steer, tmp, name, *subject)
            t.check(runs[name] is not None, f"steer generate --save-latent ({name}){' ' + err if err else ''}")
        if t.failures:
            return t.exit_code()
        t.check(torch.equal(runs["kohya"]["final_latent"], runs["diffusers"]["final_latent"]),
                "steer: the same latent from either naming of its LoRA")

        # the pipelines agree without a subject
        pipe_base = load_pipe(MODEL)
        ref = Reference(pipe_base.scheduler.config)
        e_base = (encode(pipe_base, PROMPT), encode(pipe_base, NEGATIVE))
        compare(t, ref, "base model", pipe_base.unet, e_base, runs["base"])

        # 2.-4. the LoRA in both namings
        text_outputs = {}
        for name, path in (("kohya", kohya), ("diffusers", peft)):
            pipe = load_pipe(MODEL)
            loaded, _ = t.loads_cleanly(f"{name} naming: diffusers' load_lora_weights({path.name})",
                                        lambda: pipe.load_lora_weights(str(path), adapter_name=ADAPTER))
            if not loaded:
                continue
            unet_n, te_n = file_layer_counts(path)
            got = (lora_layer_count(pipe.unet), lora_layer_count(pipe.text_encoder))
            t.check(got == (unet_n, te_n), f"{name} naming: diffusers has {got[0]} UNet / {got[1]} text-encoder "
                                           f"LoRA layers (the file: {unet_n} / {te_n})")
            pipe.set_adapters([ADAPTER], adapter_weights=[1.0])
            e_lora = (encode(pipe, PROMPT), encode(pipe, NEGATIVE))
            text_outputs[name] = e_lora[0]
            latents = runs[name]
            compare(t, ref, f"{name} naming", pipe.unet, e_lora, latents)
            pipe.set_adapters([ADAPTER], adapter_weights=[0.9])
            e_09 = (encode(pipe, PROMPT), encode(pipe, NEGATIVE))
            t.misses(ref.per_call_error(pipe.unet, e_09, latents)[0], f"{name} naming, the LoRA at scale 0.9")
            pipe.set_adapters([ADAPTER], adapter_weights=[1.0])
            t.misses(ref.per_call_error(pipe.unet, e_base, latents)[0],
                     f"{name} naming, the LoRA's UNet with the base text encoder")
            t.misses(ref.per_call_error(pipe_base.unet, e_base, latents)[0], f"{name} naming, the base model")
            t.misses(ref.final_error(latents, pipe_base.unet, e_base), f"{name} naming, the base model's final latent")
            del pipe
        if len(text_outputs) == 2:
            t.agrees(relative(text_outputs["kohya"], text_outputs["diffusers"]),
                     f"text-encoder output for \"{PROMPT}\" in diffusers, kohya vs diffusers naming")
            t.misses(relative(text_outputs["kohya"], e_base[0]), "the text-encoder output without the LoRA")

        # the DreamBooth folder
        loaded, pipe_db = t.loads_cleanly("DreamBooth: diffusers' StableDiffusionPipeline.from_pretrained(folder)",
                                          lambda: load_pipe(folder))
        if loaded:
            e_db = (encode(pipe_db, PROMPT), encode(pipe_db, NEGATIVE))
            latents = runs["dreambooth"]
            compare(t, ref, "DreamBooth folder", pipe_db.unet, e_db, latents)
            t.misses(relative(e_db[0], e_base[0]), "DreamBooth, the text-encoder output of the base")
            t.misses(ref.per_call_error(pipe_db.unet, e_base, latents)[0],
                     "DreamBooth, the folder's UNet with the base text encoder")
            t.misses(ref.per_call_error(pipe_base.unet, e_base, latents)[0], "DreamBooth, the base model")
    log(f"  (run time {time.time() - started:.0f} s)")
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
