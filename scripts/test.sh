#!/usr/bin/env bash
# Runs the whole test suite (release build: the parity tests on full caption sets are heavy in debug).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift test -c release "$@"
