#!/usr/bin/env bash
# One-time setup of METEOR 1.5's resources for mplug-eval (no Java needed at run time).
# Downloads the pycocoevalcap 1.2 wheel (no dependencies), extracts from it meteor-1.5.jar's word lists
# (function words, nonbreaking prefixes, WordNet synonyms) and data/paraphrase-en.gz into
#   ${MPLUG_EVAL_CACHE:-$HOME/.cache/mplug-eval}/meteor-1.5/
# and builds there the memory-mapped index meteor-en.index with `mplug-eval setup-meteor`.
# Idempotent: does nothing when the index exists, unless called with --force.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MPLUG_EVAL_CACHE:-$HOME/.cache/mplug-eval}/meteor-1.5"
force=0
[ "${1:-}" = "--force" ] && force=1

if [ "$force" = 0 ] && [ -s "$dir/meteor-en.index" ] && [ -s "$dir/function/english.words" ] \
    && [ -s "$dir/nonbreaking/english.prefixes" ]; then
    echo "setup-meteor: already installed in $dir"
    exit 0
fi
mkdir -p "$dir"

if [ ! -s "$dir/data/paraphrase-en.gz" ] || [ ! -s "$dir/synonym/english.synsets" ] || [ "$force" = 1 ]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    echo "setup-meteor: downloading pycocoevalcap 1.2"
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" pycocoevalcap==1.2
    python3 - "$tmp"/pycocoevalcap-1.2-*.whl "$dir" <<'PY'
import io, os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    jar = zipfile.ZipFile(io.BytesIO(w.read("pycocoevalcap/meteor/meteor-1.5.jar")))
    members = {"data/paraphrase-en.gz": w.read("pycocoevalcap/meteor/data/paraphrase-en.gz")}
for name in ["function/english.words", "nonbreaking/english.prefixes", "synonym/english.synsets",
             "synonym/english.exceptions", "synonym/english.relations", "synonym/COPYING.WORDNET"]:
    members[name] = jar.read(name)
for name, data in members.items():
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".partial", "wb") as f:
        f.write(data)
    os.replace(path + ".partial", path)
PY
fi

echo "setup-meteor: building the index (one time, about a minute)"
build_log="$(mktemp)"
if ! (cd "$root" && swift build -c release --product mplug-eval >"$build_log" 2>&1); then
    tail -n 40 "$build_log"
    echo "setup-meteor: building mplug-eval failed (full log: $build_log)" >&2
    exit 1
fi
rm -f "$build_log"
"$root/.build/release/mplug-eval" setup-meteor --directory "$dir"
