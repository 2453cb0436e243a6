#!/usr/bin/env bash
# Quick start: install what is missing, build mplug-eval (release) and score the bundled caption
# sample (Tests/Fixtures/captions/coco_val2014_fakecap_1000, the official coco-caption demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product mplug-eval
.build/release/mplug-eval coco "$@"
