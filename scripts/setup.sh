#!/usr/bin/env bash
# Installs what mplug-eval needs on a fresh Debian machine with the Swift toolchain.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need_apt=()
for pkg in libopenblas-dev libpng-dev libjpeg-dev wordnet-base; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# METEOR 1.5 resources (pycocoevalcap 1.2 wheel from PyPI) and their memory-mapped index.
bash "$here/setup-meteor.sh"
