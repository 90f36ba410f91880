#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) from the UI tests, offscreen.
# The test suite itself writes its screenshots to a temporary folder and leaves the tree alone;
# this is the explicit command that updates the committed ones. Run after building (build/).
# test_first_hour and test_first_hour_2x give the layout at 1024x640 at 1x and 2x
# (docs/screenshots/layout-1024x640-*.png). STEER_SCREENSHOT_TESTS picks other tests.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo/build"
STEER_SCREENSHOT_DIR="$repo/docs/screenshots" QT_QPA_PLATFORM=offscreen \
  ctest -L ui -R "${STEER_SCREENSHOT_TESTS:-test_main_window|test_project|test_generate_panel|test_compare_board|test_train_panel|test_first_hour}" \
  --output-on-failure
ls -l "$repo/docs/screenshots"
