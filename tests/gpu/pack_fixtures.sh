#!/usr/bin/env bash
# Copies the tiny parity fixtures the GPU checks need into gpu-fixtures/ (ignored by git),
# small enough for the device tool's carry limit: the fp16 variant files and the
# fp16-only folder stay behind (the fp16-loading tests are CPU-side and run in CI).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="${1:-$repo/build/fixtures/parity}"
dst="$repo/gpu-fixtures/parity"
[ -d "$src/sd1-tiny" ] || { echo "no fixtures in $src: run the tests once (packaging/setup.sh --test)" >&2; exit 1; }
rm -rf "$repo/gpu-fixtures"
mkdir -p "$dst"
mkdir -p "$dst/reference"
for family in sd1 sd2; do
  for part in text unet vae; do cp "$src/reference/${part}_${family}.safetensors" "$dst/reference/"; done
done
cp "$src/reference/fp16w_sd1.safetensors" "$dst/reference/"
for model in sd1-tiny sd2-tiny; do
  cp -r "$src/$model" "$dst/"
  find "$dst/$model" -name '*.fp16.safetensors' -delete
done
# The guidance parity inputs: LoRAs, pipeline and guidance references, the evidence references,
# and the subject test's small files (its fine-tuned folders are left out: ~55 MB).
fixtures="$(dirname "$src")"
for part in lora pipeline evidence; do
  [ -d "$fixtures/$part" ] && cp -r "$fixtures/$part" "$repo/gpu-fixtures/"
done
du -sh "$repo/gpu-fixtures"
[ "$(du -sm "$repo/gpu-fixtures" | cut -f1)" -lt 60 ] || { echo "gpu-fixtures is over the device tool's carry limit" >&2; exit 1; }
