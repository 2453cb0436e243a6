#!/usr/bin/env bash
# Runs the whole test suite in a release build (the parity tests on full caption sets are heavy in
# debug). Installs what is missing first: Debian packages, then the METEOR resources, whose index is
# built with this same build so nothing is compiled twice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --skip-meteor
swift build -c release --build-tests -Xswiftc -enable-testing
MPLUG_EVAL_BIN="$PWD/.build/release/mplug-eval" bash scripts/setup-meteor.sh
swift test -c release --skip-build "$@"
