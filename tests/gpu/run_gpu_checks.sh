#!/usr/bin/env bash
# The GPU checks, prepared to run in one go on the device machine (H100 image: Python
# torch with CUDA, CMake, ninja; no Qt, no OpenImageIO, no diffusers, no network).
#
# On this machine first:   bash tests/gpu/pack_fixtures.sh        (-> gpu-fixtures/, < 64 MiB)
# Then on the device:      bash tests/gpu/run_gpu_checks.sh        (carry: gpu-fixtures)
#
# 1. builds the engine, CLI and parity test against the machine's own Python torch (CUDA);
# 2. runs the parity tests on CUDA: fp32 within 1e-3 max-abs of diffusers' CPU fp32
#    outputs, bf16/fp16 within 1.5x diffusers' own bf16 error + 1e-2 (relative);
# 3. times one UNet forward with SD1.5's real config (random weights) at 64x64 latents,
#    batch 2 (one CFG step), in fp16 and bf16.
# Everything it prints is also written under $OUT (or ./gpu-results) for docs/benchmarks.md.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
out="${OUT:-$repo/gpu-results}"
mkdir -p "$out"
log() { echo "$*" | tee -a "$out/summary.txt"; }

python="$(command -v python3)"
log "== machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$out/summary.txt"
"$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available())" | tee -a "$out/summary.txt"

log "== build (engine only)"
start=$(date +%s)
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTEER_ENGINE_ONLY=ON -DSTEER_PYTHON="$python" \
  > "$out/configure.log" 2>&1 || { tail -30 "$out/configure.log"; exit 1; }
cmake --build build-gpu -j "$(nproc)" --target steer test_model_parity > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
log "build took $(( $(date +%s) - start )) s"

log "== parity on CUDA"
fixtures="${STEER_GPU_FIXTURES:-$repo/gpu-fixtures}"
if [ -d "$fixtures/parity" ]; then
  # The fp16-variant tests need the sd1-tiny-fp16only folder, which the pack leaves out
  # to stay under the carry limit; they are CPU-side loading tests anyway.
  STEER_FIXTURES="$fixtures" STEER_TEST_DEVICE=cuda ./build-gpu/tests/parity/test_model_parity \
    "equal" "bf16" "fp16 on CUDA" "whole pipelines" "control" 2>&1 | tee "$out/parity-cuda.log" | grep -E "FAIL|ok|passed|max abs|relative"
else
  log "no fixtures at $fixtures: run tests/gpu/pack_fixtures.sh here and carry gpu-fixtures"
fi

log "== UNet forward, SD1.5 config, 64x64 latents, batch 2"
for dtype in fp16 bf16 fp32; do
  ./build-gpu/app/steer bench --unet-config resources/configs/sd15_unet.json --device cuda --dtype "$dtype" \
    --latent 64 --batch 2 --repeats 20 2>&1 | tee -a "$out/bench-unet.log" | grep -E "unet forward|BENCH_JSON" | tee -a "$out/summary.txt"
done
log "== guided steps, SD1.5 config, 512x512 (64x64 latents): CFG and PG with a LoRA (batch 2 per step)"
for dtype in fp16 bf16; do
  ./build-gpu/app/steer bench --unet-config resources/configs/sd15_unet.json --guided --device cuda --dtype "$dtype" \
    --latent 64 --batch 2 --repeats 20 2>&1 | tee -a "$out/bench-guided.log" | grep -E "step|BENCH_JSON" | tee -a "$out/summary.txt"
done
log "done"
