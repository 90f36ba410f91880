#!/usr/bin/env bash
# The GPU checks, prepared to run in one go on the device machine (H100 image: Python
# torch with CUDA, CMake, ninja; no Qt, no OpenImageIO, no diffusers, no network).
#
# On this machine first:   bash tests/gpu/pack_fixtures.sh        (-> gpu-fixtures/, < 64 MiB)
# Then on the device:      bash tests/gpu/run_gpu_checks.sh        (carry: gpu-fixtures)
#
# 1. builds the engine, CLI and the parity test programs against the machine's own Python
#    torch (CUDA), engine only (STEER_ENGINE_ONLY);
# 2. runs the parity programs on CUDA (STEER_TEST_DEVICE=cuda; the CTest `gpu` label marks the
#    same programs): components (fp32 within 1e-3 of diffusers' CPU fp32, bf16/fp16 within
#    diffusers' own error), whole pipelines, CFG/PG/AG guidance and subjects, and the guidance
#    evidence with its wrong-input controls;
# 3. times a UNet forward with SD1.5's real config (random weights) at 64x64 latents, and
#    guided CFG and PG (LoRA) steps, in fp16, bf16 and fp32.
# Exits non-zero when any build step or check fails (each failure is named in the summary).
# Everything it prints is also written under $OUT (or ./gpu-results) for docs/benchmarks.md.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
out="${OUT:-$repo/gpu-results}"
mkdir -p "$out"
failures=()
log() { echo "$*" | tee -a "$out/summary.txt"; }
# check NAME LOGFILE COMMAND...: runs the command, keeps its output, records the verdict.
check() {
  local name="$1" logfile="$2"
  shift 2
  if "$@" > "$out/$logfile" 2>&1; then
    log "[ ok ] $name"
  else
    log "[FAIL] $name (exit $?; $logfile)"
    tail -20 "$out/$logfile"
    failures+=("$name")
  fi
}

python="$(command -v python3)"
log "== machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$out/summary.txt"
"$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available())" \
  | tee -a "$out/summary.txt"

log "== build (engine only)"
start=$(date +%s)
if ! cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTEER_ENGINE_ONLY=ON -DSTEER_PYTHON="$python" \
  > "$out/configure.log" 2>&1; then
  tail -30 "$out/configure.log"
  log "[FAIL] configure"
  exit 1
fi
programs=(test_model_parity test_pipeline_parity test_guidance test_subjects test_guidance_evidence)
if ! cmake --build build-gpu -j "$(nproc)" --target steer "${programs[@]}" > "$out/build.log" 2>&1; then
  tail -40 "$out/build.log"
  log "[FAIL] build"
  exit 1
fi
log "build took $(( $(date +%s) - start )) s"

log "== parity on CUDA"
fixtures="${STEER_GPU_FIXTURES:-$repo/gpu-fixtures}"
if [ ! -d "$fixtures/parity" ]; then
  log "[FAIL] no fixtures at $fixtures: run tests/gpu/pack_fixtures.sh here and carry gpu-fixtures"
  failures+=("fixtures")
else
  export STEER_FIXTURES="$fixtures" STEER_TEST_DEVICE=cuda STEER_SOURCE_DIR="$repo"
  # The fp16-variant loading tests need sd1-tiny-fp16only, which the pack leaves out (CPU-side
  # loading tests; CI runs them).
  check "component parity (text encoder, UNet, VAE; fp32/bf16/fp16)" parity-model.log \
    ./build-gpu/tests/parity/test_model_parity "equal" "bf16" "fp16 on CUDA" "whole pipelines" "control"
  check "pipeline parity (every sampler, CFG, LoRA, rescale)" parity-pipeline.log ./build-gpu/tests/generation/test_pipeline_parity
  check "guidance parity (CFG, PG, AG, batched = two-call)" parity-guidance.log ./build-gpu/tests/generation/test_guidance
  check "guidance evidence (v-pred, DPM++ 2M Karras, DDIM, schedules, interval, APG; controls)" parity-evidence.log \
    ./build-gpu/tests/generation/test_guidance_evidence
  if [ -d "$fixtures/subject" ]; then
    check "subjects (fine-tuned, checkpoint AG)" parity-subjects.log ./build-gpu/tests/generation/test_subjects
  fi
  grep -hE "relative error|max abs|passed, " "$out"/parity-*.log | head -80 >> "$out/summary.txt"
fi

log "== UNet forward, SD1.5 config, 64x64 latents, batch 2"
for dtype in fp16 bf16 fp32; do
  check "UNet forward $dtype" "bench-unet-$dtype.log" ./build-gpu/app/steer bench --unet-config resources/configs/sd15_unet.json \
    --device cuda --dtype "$dtype" --latent 64 --batch 2 --repeats 20
  grep -hE "unet forward|BENCH_JSON" "$out/bench-unet-$dtype.log" | tee -a "$out/summary.txt"
done
log "== guided steps, SD1.5 config, 512x512 (64x64 latents): CFG and PG with a LoRA (batch 2 per step)"
for dtype in fp16 bf16; do
  check "guided steps $dtype" "bench-guided-$dtype.log" ./build-gpu/app/steer bench --unet-config resources/configs/sd15_unet.json \
    --guided --device cuda --dtype "$dtype" --latent 64 --batch 2 --repeats 20
  grep -hE "step|BENCH_JSON" "$out/bench-guided-$dtype.log" | tee -a "$out/summary.txt"
done

if [ ${#failures[@]} -gt 0 ]; then
  log "FAILED: ${failures[*]}"
  exit 1
fi
log "all GPU checks passed"
