#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-validate.sh: time to verdict of `kvm-x86-sim validate` for one patch
# and for a 20-patch series on the default tree (the cached newest 7.x).
#
# The patches are generated here, at run time, against the cached tree: patch
# k adds one comment line before the k-th of 20 top-level definitions spread
# over arch/x86/kvm/x86.c (patch k made on top of patches 1..k-1); those
# compile the tree's own code, so their steps do not explore again
# (docs/validate.md).  The code series changes code: code patch k adds an
# empty statement to the k-th function of the slice spec in x86.c, and every
# step explores.  Nothing generated is kept.  Prints time, peak memory and
# how many steps explored; asserts nothing.
#
#   scripts/bench-validate.sh [--kernel DIR] [--build DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="${KVM_X86_SIM_BUILD:-$top/build}"
cache=$(python3 "$top/scripts/kvm_validate/paths.py" cache-dir)
kernel="$cache/trees/linux-7"
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel="$2"; shift 2 ;;
	--build) build="$2"; shift 2 ;;
	*) echo "usage: $0 [--kernel DIR] [--build DIR]" >&2; exit 2 ;;
	esac
done
[ -f "$kernel/arch/x86/kvm/x86.c" ] ||
	{ echo "bench-validate: no tree at $kernel (run ./kvm-x86-sim setup)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kvm-bench-validate.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/patches"

cp "$top/slice/kvm_msr.spec" "$work/spec"
python3 - "$kernel" "$work/patches" <<'EOF'
import difflib, os, re, sys
tree, out = sys.argv[1:]
rel = "arch/x86/kvm/x86.c"
with open(os.path.join(tree, rel)) as f:
    cur = f.read().splitlines(keepends=True)
tops = [i for i, ln in enumerate(cur) if re.match(r"^static (int|void|bool) ", ln)]
spots = [tops[(len(tops) - 1) * k // 19] for k in range(20)]


def series(cur, at, line, name, title):
    """Patch k inserts `line` before line at[k] of the tree's text (at
    sorted; earlier insertions shift later spots by k lines)."""
    for k, where in enumerate(at):
        new = list(cur)
        new.insert(where + k, line(k))
        diff = "".join(difflib.unified_diff(cur, new, "a/" + rel,
                                            "b/" + rel))
        with open(os.path.join(out, name(k)), "w") as f:
            f.write("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
                    f"Subject: [PATCH {k + 1}/{len(at)}] bench: {title} {k + 1}\n\n---\n"
                    f"diff --git a/{rel} b/{rel}\n{diff}-- \n2.47.3\n")
        cur = new


series(cur, spots, lambda k: f"/* bench-validate: comment {k + 1} of 20 */\n",
       lambda k: f"{k + 1:04d}-bench-comment-{k + 1}.patch", "comment")
# the code series: patch k adds an empty statement at the end of the k-th
# function of the slice spec defined in x86.c (code of the slice: each
# step explores); ";" is valid after a label too
spec = os.path.join(os.path.dirname(os.path.abspath(out)), "spec")
names = [ln.split()[1] for ln in open(spec) if ln.startswith("fn ")]
ends = []
for name in names:
    head = re.compile(r"^\S.*\b" + re.escape(name) + r"\(")
    for i, ln in enumerate(cur):
        if head.match(ln) and not ln.rstrip().endswith(";"):
            j = next(j for j in range(i + 1, len(cur)) if cur[j] == "}\n")
            ends.append(j)
            break
    if len(ends) == 20:
        break
series(cur, sorted(ends), lambda k: "\t;\n", lambda k: f"code-{k + 1:04d}.patch",
       "code")
EOF

# run LABEL N-PATCHES ARGS...: time one validate run and report the peak
# resident memory of the largest process it ran (validate, the slicer, gcc,
# the test binary), then print the figures and where the time went (the
# steps' slice, build and run seconds from the JSON report; "rest" is
# Python's start, copying the tree, applying the patches, the report)
run() {
	local label=$1 n=$2; shift 2
	local rc=0
	python3 - "$label" "$n" "$work/out" python3 "$top/scripts/kvm_validate.py" \
		--build "$build" --kernel "$kernel" --quiet --cache "$work/cache" \
		--format json "$@" <<'PY' || rc=$?
import json, resource, subprocess, sys, time
label, n, out, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
t0 = time.monotonic()
with open(out, "w") as f:
    rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode
t = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
phase = {"slice": 0.0, "build": 0.0, "run": 0.0}
try:
    with open(out) as f:
        for st in json.load(f)["steps"]:
            for k, v in st.get("timing", {}).items():
                phase[k] = phase.get(k, 0.0) + v
except (OSError, ValueError, KeyError):
    pass
explored = steps = 0
try:
    with open(out) as f:
        for st in json.load(f)["steps"]:
            steps += 1
            explored += bool(st.get("explored"))
except (OSError, ValueError, KeyError):
    pass
rest = t - sum(phase.values())
print(f"{label:<40} {t:7.2f} s total  {t / max(n, 1):6.3f} s/patch  "
      f"peak RSS {rss:5.0f} MiB  (exit {rc})")
print(f"{'':<40} slice {phase['slice']:.2f} s, build {phase['build']:.2f} s,"
      f" run {phase['run']:.2f} s, rest {rest:.2f} s; "
      f"{explored}/{steps} step(s) explored")
sys.exit(rc)
PY
	[ "$rc" -le 1 ] || { cat "$work/out" >&2; exit 1; }
}

series=() code=()
for p in "$work"/patches/0*.patch; do series+=(--patch "$p"); done
for p in "$work"/patches/code-*.patch; do code+=(--patch "$p"); done

echo "tree: $(readlink -f "$kernel")  ($(nproc) CPUs)"
rm -rf "$work/cache"
run "one patch, cold cache" 1 --patch "$work/patches/0001-bench-comment-1.patch"
run "one patch, warm cache" 1 --patch "$work/patches/0001-bench-comment-1.patch"
rm -rf "$work/cache"
run "20-patch series, cold cache" 20 "${series[@]}"
run "20-patch series, warm cache" 20 "${series[@]}"
rm -rf "$work/cache"
run "one code patch, cold cache" 1 --patch "$work/patches/code-0001.patch"
rm -rf "$work/cache"
run "20 code patches, cold cache" 20 "${code[@]}"
rm -rf "$work/cache"
run "tree alone (no patch), cold cache" 1
rm -rf "$work/cache"
run "one patch, cold cache, --no-explore" 1 --no-explore \
	--patch "$work/patches/0001-bench-comment-1.patch"
rm -rf "$work/cache"
run "20-patch series, cold, --no-explore" 20 --no-explore "${series[@]}"
