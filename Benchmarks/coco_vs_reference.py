#!/usr/bin/env python3
"""Times `mplug-eval coco` against pycocoevalcap 1.2 on the same caption set (a benchmark, not a test).

Each run is a fresh process (cold start included); the reference runs are interleaved with ours.
`mplug-eval` reports its stages with --timings; the reference runs the scorer sequence of the golden README (COCO/loadRes, PTBTokenizer on refs and
candidates, Bleu(4), Meteor(), Rouge(), Cider()) in a child Python process that times each call.
The reference part runs only when pycocoevalcap and Java are installed
(`pip install pycocoevalcap==1.2`; Java 17). Prints medians and speed-ups (reference / ours).

    python3 Benchmarks/coco_vs_reference.py [--set DIR] [--runs 3] [--reference-runs 1] [--no-build]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SET = os.path.join(ROOT, "Tests/Fixtures/captions/timing_coco_5000x5")
BINARY = os.path.join(ROOT, ".build/release/mplug-eval")

# The reference scorer sequence (golden README section "Tool versions"), timed per call.
REFERENCE_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
from pycocotools.coco import COCO
from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer
from pycocoevalcap.bleu.bleu import Bleu
from pycocoevalcap.meteor.meteor import Meteor
from pycocoevalcap.rouge.rouge import Rouge
from pycocoevalcap.cider.cider import Cider
import contextlib, io
out = {}
def timed(name, f):
    t, c = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        r = f()
    out[name] = time.perf_counter() - t
    out[name + " cpu"] = time.process_time() - c   # this process only (not the Java children)
    return r
out["import"] = time.perf_counter() - t0
def load():
    coco = COCO(sys.argv[1]); res = coco.loadRes(sys.argv[2]); return coco, res
coco, cocoRes = timed("load", load)
ids = cocoRes.getImgIds()
gts = {i: coco.imgToAnns[i] for i in ids}; res = {i: cocoRes.imgToAnns[i] for i in ids}
tok = PTBTokenizer()
gts = timed("tokenize_refs", lambda: tok.tokenize(gts))
res = timed("tokenize_cands", lambda: tok.tokenize(res))
timed("bleu", lambda: Bleu(4).compute_score(gts, res))
meteor = timed("meteor_init", Meteor)
timed("meteor_compute", lambda: meteor.compute_score(gts, res))
timed("rouge", lambda: Rouge().compute_score(gts, res))
timed("cider", lambda: Cider().compute_score(gts, res))
out["total_in_process"] = time.perf_counter() - t0
print(json.dumps(out))
sys.stdout.flush()
import os; os._exit(0)   # Meteor.__del__ can hang on its lock
"""


def run_ours(refs, cands, metrics):
    """One fresh `mplug-eval coco` process: (wall seconds, {stage: seconds}) or None if it failed."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [BINARY, "coco", "--annotations", refs, "--results", cands, "--metrics", metrics,
               "--timings", "--json", os.path.join(tmp, "out.json")]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    stages = {}
    for line in proc.stderr.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "timing":
            # "timing <name words> <seconds> s (cpu <seconds> s)"
            seconds_at = parts.index("s") - 1
            name = " ".join(parts[1:seconds_at])
            stages[name] = float(parts[seconds_at])
            if "(cpu" in parts:
                stages[name + " cpu"] = float(parts[parts.index("(cpu") + 1])
    return (wall, stages), None


def run_reference(refs, cands):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", REFERENCE_SCRIPT, refs, cands], capture_output=True, text=True,
                          env=dict(os.environ, LANG="C.UTF-8"))
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    stages = json.loads(proc.stdout.strip().splitlines()[-1])
    return wall, stages


def reference_available():
    try:
        import pycocoevalcap  # noqa: F401
        import pycocotools  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


def median_stages(runs):
    names = runs[0][1].keys()
    return statistics.median(r[0] for r in runs), {n: statistics.median(r[1].get(n, 0.0) for r in runs) for n in names}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=DEFAULT_SET, help="folder with refs.json and cands.json")
    parser.add_argument("--runs", type=int, default=3, help="fresh mplug-eval processes (median)")
    parser.add_argument("--reference-runs", type=int, default=1, help="fresh reference processes (median)")
    parser.add_argument("--no-build", action="store_true", help="do not run swift build -c release first")
    args = parser.parse_args()
    refs, cands = os.path.join(args.set, "refs.json"), os.path.join(args.set, "cands.json")

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "mplug-eval"], cwd=ROOT, check=True)
    print(f"set: {args.set}   machine: nproc={os.cpu_count()} load={os.getloadavg()[0]:.1f}")

    metrics = "bleu,meteor,rouge,cider"
    first, error = run_ours(refs, cands, metrics)
    if first is None:
        print(f"mplug-eval with METEOR failed ({error}); timing bleu,rouge,cider only")
        metrics = "bleu,rouge,cider"
        first, error = run_ours(refs, cands, metrics)
        if first is None:
            sys.exit(f"mplug-eval failed: {error}")
    # With the reference installed, its runs are interleaved with ours, so that both sides see the
    # same phases of a shared machine.
    with_reference = reference_available()
    ref_runs = []
    runs = [first]
    for i in range(1, args.runs):
        if with_reference and len(ref_runs) < args.reference_runs and i % max(1, args.runs // (args.reference_runs + 1)) == 0:
            ref_runs.append(run_reference(refs, cands))
        runs.append(run_ours(refs, cands, metrics)[0])
    while with_reference and len(ref_runs) < args.reference_runs:
        ref_runs.append(run_reference(refs, cands))
    ours_wall, ours = median_stages(runs)
    ours_metric_seconds = sum(ours.get(m, 0.0) for m in ("bleu", "meteor", "rouge", "cider"))
    ours["tokenize+metrics"] = ours.get("tokenize", 0.0) + ours.get("meteor resources", 0.0) + ours_metric_seconds

    print(f"\nmplug-eval coco --metrics {metrics}: median of {args.runs} fresh processes")
    for name, seconds in ours.items():
        if not name.endswith(" cpu"):
            print(f"  {name:<18} {seconds:8.4f} s   (cpu {ours.get(name + ' cpu', float('nan')):.4f} s)")
    print(f"  {'whole process':<18} {ours_wall:8.4f} s")

    if not with_reference:
        print("\npycocoevalcap/Java not installed: no reference timing (pip install pycocoevalcap==1.2; Java 17)")
        return
    ref_wall, ref = median_stages(ref_runs)
    ref["tokenize"] = ref["tokenize_refs"] + ref["tokenize_cands"]
    ref["meteor"] = ref["meteor_init"] + ref["meteor_compute"]
    ref["tokenize+metrics"] = ref["tokenize"] + ref["bleu"] + ref["meteor"] + ref["rouge"] + ref["cider"]

    print(f"\npycocoevalcap 1.2 (median of {args.reference_runs} fresh processes) vs mplug-eval; speed-up = reference / ours")
    print(f"  {'stage':<18} {'reference s':>12} {'ours s':>10} {'speed-up':>9}")
    rows = [("tokenize", "tokenize"), ("bleu", "bleu"), ("meteor", "meteor"), ("rouge", "rouge"), ("cider", "cider"),
            ("tokenize+metrics", "tokenize+metrics")]
    for label, key in rows:
        if key not in ours:
            print(f"  {label:<18} {ref[key]:12.4f} {'n/a':>10} {'n/a':>9}")
            continue
        print(f"  {label:<18} {ref[key]:12.4f} {ours[key]:10.4f} {ref[key] / max(ours[key], 1e-9):8.1f}x")
    print(f"  {'whole process':<18} {ref_wall:12.4f} {ours_wall:10.4f} {ref_wall / ours_wall:8.1f}x")
    print("\n  CPU seconds of the pure-Python stages (less sensitive to other load on the machine):")
    for key in ("bleu", "rouge", "cider"):
        if key + " cpu" in ours:
            print(f"  {key:<18} {ref[key + ' cpu']:12.4f} {ours[key + ' cpu']:10.4f} {ref[key + ' cpu'] / max(ours[key + ' cpu'], 1e-9):8.1f}x")
    print("\n  Each metric row is the whole of that metric's work on both sides: ours splits and fingerprints the"
          "\n  tokenized captions and counts their n-grams inside the metric, as pycocoevalcap's scorers do.")
    if "meteor" not in ours:
        print("  METEOR is not in this build's run: the whole-process ratio excludes its cost on our side only.")


if __name__ == "__main__":
    main()
