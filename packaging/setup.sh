#!/usr/bin/env bash
# Steer Studio's one setup script: installs what the build needs, makes the Python
# environment, configures and builds. Idempotent: every step checks before it acts, so
# re-running it is cheap and safe.
#
#   packaging/setup.sh            set up and build
#   packaging/setup.sh --run      ... then run the main job on the embedded demo model (`steer demo`:
#                                 personalize the demo subject, CFG/AG/PG sweep, export with
#                                 scores and the trade-off table) and, where there is a display,
#                                 open steer-studio on the demo model (extra arguments go to it)
#   packaging/setup.sh --test     ... then run every test (unit, parity, ui, slow, fuzz)
#
# Environment: STEER_BUILD_DIR (default build), STEER_JOBS (default: number of cores),
# STEER_SKIP_SLOW=1 to leave out the slow tier (real SD configs, ~10 GB of disk).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
mode="${1:-build}"
[ $# -gt 0 ] && shift
build_dir="${STEER_BUILD_DIR:-build}"
jobs="${STEER_JOBS:-$(nproc)}"

say() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- Debian packages
debian_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  python3 python3-venv python3-pip
  qt6-base-dev libgl-dev libopenimageio-dev
  clang libclang-rt-14-dev
  xauth xvfb
)
missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---------------------------------------------------------------- Python environment
python="$repo/.venv/bin/python"
if [ ! -x "$python" ]; then
  say "making the virtual environment .venv"
  python3 -m venv "$repo/.venv"
  "$python" -m pip install -q --upgrade pip
fi
stamp="$repo/.venv/.steer-requirements"
if ! cmp -s "$repo/packaging/requirements.txt" "$stamp"; then
  say "installing the pinned Python packages (torch is about 3 GB with its CUDA libraries)"
  "$python" -m pip install -q -r "$repo/packaging/requirements.txt"
  "$python" -m pip install -q --no-deps open_clip_torch==3.3.0
  cp "$repo/packaging/requirements.txt" "$stamp"
fi

# ---------------------------------------------------------------- configure and build
export CCACHE_DIR="${CCACHE_DIR:-$repo/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
# --test (what CI runs) builds with warnings as errors, like the "ci" preset.
werror=OFF
[ "$mode" = --test ] && werror=ON
if [ ! -f "$build_dir/build.ninja" ] || ! grep -q "^STEER_WARNINGS_AS_ERRORS:BOOL=$werror\$" "$build_dir/CMakeCache.txt"; then
  say "configuring $build_dir (warnings as errors: $werror)"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTEER_PYTHON="$python" -DSTEER_WARNINGS_AS_ERRORS="$werror"
fi
say "building ($jobs jobs)"
start=$(date +%s)
cmake --build "$build_dir" -j "$jobs"
echo "build took $(( $(date +%s) - start )) s"

case "$mode" in
  build) ;;
  --run)
    say "running the demo: steer demo (output in demo-output/)"
    "$build_dir/app/steer" demo --model resources/demo-model --out demo-output
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      say "launching steer-studio on the demo model, with the demo's LoRA attached and a CFG vs PG board"
      if [ $# -gt 0 ]; then exec "$build_dir/app/steer-studio" "$@"; fi
      exec "$build_dir/app/steer-studio" resources/demo-model --subject demo-output/lora/sks-emblem.safetensors \
        --compare-prompts "a photo of sks emblem at the top left on a blue background"
    else
      say "no display: steer-studio not started (xvfb-run -a $build_dir/app/steer-studio resources/demo-model works headless)"
    fi
    ;;
  --test)
    # The fuzz run goes first so that the main suite's CTest summary closes the output.
    say "building and running the fuzz targets (libFuzzer + ASan: safetensors header, JSON; ${STEER_FUZZ_SECONDS:-30} s each)"
    if [ ! -f build-fuzz/build.ninja ]; then
      CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTEER_FUZZ=ON \
        -DSTEER_FUZZ_SECONDS="${STEER_FUZZ_SECONDS:-30}"
    fi
    cmake --build build-fuzz -j "$jobs"
    (cd build-fuzz && ctest --output-on-failure)
    say "running the tests"
    labels_excluded="gpu"
    [ "${STEER_SKIP_SLOW:-0}" = 1 ] && labels_excluded="gpu|slow"
    status=0
    (cd "$build_dir" && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j 2 -LE "$labels_excluded" --timeout 3000) || status=$?
    # Tests leave the tree as they found it: nothing tracked rewritten, nothing new outside the
    # ignored build and cache folders.
    if git -C "$repo" rev-parse --git-dir > /dev/null 2>&1; then
      dirty="$(git -C "$repo" status --porcelain)"
      if [ -n "$dirty" ]; then
        echo "the tests changed the source tree (git status):" >&2
        echo "$dirty" >&2
        status=1
      fi
    fi
    exit $status
    ;;
  *)
    echo "unknown mode $mode (use --run or --test)" >&2
    exit 2
    ;;
esac
