# SPDX-License-Identifier: GPL-2.0
"""Running one case and checking everything that must hold after it:
the exit code (and output regex), no traceback, the trees' arch/x86/kvm
unchanged, nothing left in validate's temp dir, nothing written outside
the case's allowed files, no process of the run still alive, and the
cache still usable (a trivially good patch then gives exit 0)."""

import hashlib
import os
import re
import resource
import signal
import subprocess
import sys
import time
import uuid

from . import EXPLORING
from .ctx import Ctx

# Whatever validate is told, the suite never lets a run take the machine:
# its address space is capped (a 4 GiB allocation fits, a runaway does not).
AS_LIMIT = 8 << 30
# A case's budget is CPU time; the wall clock only catches a hang, at this
# many times the budget (a busy 2-core machine runs at a third of the speed).
WALL_FACTOR = 5
TRACEBACK = "Traceback (most recent call last)"


def kvm_digest(tree):
    """Hash of everything under tree/arch/x86/kvm (names, modes, bytes,
    symlink targets): the user's tree must be only read."""
    h = hashlib.sha256()
    base = os.path.join(tree, "arch/x86/kvm")
    if not os.path.isdir(base):
        return "absent"
    for d, dirs, files in sorted(os.walk(base)):
        dirs.sort()
        for fn in sorted(files + [x for x in dirs
                                  if os.path.islink(os.path.join(d, x))]):
            p = os.path.join(d, fn)
            st = os.lstat(p)
            h.update(f"{os.path.relpath(p, base)}\0{st.st_mode:o}\0".encode())
            if os.path.islink(p):
                h.update(os.readlink(p).encode())
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def snapshot(root, skip):
    """{relpath: (size, mtime)} of the files under root, minus `skip`
    (validate's temp dir, the cache, the run's own output)."""
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if os.path.join(d, x) not in skip]
        for fn in files:
            p = os.path.join(d, fn)
            if p in skip:
                continue
            try:
                st = os.lstat(p)
                out[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns)
            except OSError:
                pass
    return out


# Every process of one validate run carries this variable in its
# environment: validate starts its tools in sessions of their own, and an
# orphan is re-parented, so neither the session nor the parent finds them.
RUN_VAR = "KVM_HOSTILE_RUN"


def run_procs(token):
    """Live processes whose environment holds RUN_VAR=token."""
    mark = f"{RUN_VAR}={token}".encode()
    pids = []
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            with open(f"/proc/{e}/stat") as f:
                st = f.read()
            if st[st.rindex(")") + 2:].split()[0] == "Z":
                continue
            with open(f"/proc/{e}/environ", "rb") as f:
                if mark not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{e}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(
                    errors="replace").strip()
            pids.append((int(e), cmd))
        except (OSError, ValueError, IndexError):
            pass
    return pids


def kill_run(token):
    for pid, _ in run_procs(token):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def spawn(suite, argv, tmpdir, out, err, token, extra=None):
    env = dict(os.environ, TMPDIR=tmpdir,
               KVM_X86_SIM_CACHE=suite.tree_cache, NO_COLOR="1",
               LC_ALL="C.UTF-8", **{RUN_VAR: token})
    env.update(extra or {})
    env.pop("KVM_X86_SIM_KERNEL", None)
    return subprocess.Popen([sys.executable, suite.validate] + argv,
                            stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True,
                            preexec_fn=_limit)


def _wait_for(token, trigger, proc, limit=60):
    """Wait until a process of the run matches the trigger: "binary" (the
    test binary, a t-* file in the cache) or "compiler" (cc/gcc)."""
    pat = {"binary": r"/bin/t-[0-9a-f]+", "compiler":
           r"(^|/)(cc1|gcc|cc|x86_64-linux-gnu-gcc[-0-9]*)( |$)"}[trigger]
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit and proc.poll() is None:
        if any(re.search(pat, cmd) for pid, cmd in run_procs(token)
               if pid != proc.pid):
            return True
        time.sleep(0.02)
    return False


def wait_cpu(proc, wall):
    """Wait for proc; return (exit code or "timeout" past `wall` seconds,
    the CPU seconds it and every child it waited for used)."""
    deadline = time.monotonic() + wall
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, ru.ru_utime + ru.ru_stime
        if time.monotonic() > deadline:
            return "timeout", None
        time.sleep(0.05)


def execute(suite, run, tmpdir, tag):
    """Run validate; return (exit, stdout+stderr, CPU seconds, survivors)."""
    op = os.path.join(os.path.dirname(tmpdir), f"{tag}.out")
    ep = os.path.join(os.path.dirname(tmpdir), f"{tag}.err")
    with open(op, "wb") as out, open(ep, "wb") as err:
        t0 = time.monotonic()
        token = f"{os.getpid()}-{tag}-{uuid.uuid4().hex}"
        proc = spawn(suite, run.argv, tmpdir, out, err, token, run.env)
        note = ""
        if run.signal:
            signum, trigger, group = run.signal
            if _wait_for(token, trigger, proc):
                time.sleep(0.2)
                if group:
                    os.killpg(proc.pid, signum)
                else:
                    proc.send_signal(signum)
            else:
                note = f" (no {trigger} process seen: signal not sent)"
        rc, cpu = wait_cpu(proc, run.max_wall or
                           WALL_FACTOR * run.max_seconds)
        if rc == "timeout":
            kill_run(token)
            proc.wait()
        secs = cpu if cpu is not None else time.monotonic() - t0
        time.sleep(0.05)
        survivors = run_procs(token)
        kill_run(token)
    with open(op, "rb") as f:
        o = f.read().decode("utf-8", "replace")
    with open(ep, "rb") as f:
        e = f.read().decode("utf-8", "replace")
    run.stdout = o
    return rc, o + e + note, secs, survivors


def leftovers(tmpdir):
    try:
        return sorted(os.listdir(tmpdir))
    except OSError:
        return []


def run_case(suite, c):
    """Make and run one case; return (ok, observed exit, seconds, why)."""
    ctx = Ctx(suite, c.name, explore=c.category in EXPLORING)
    try:
        run = c.make(ctx)
    except Exception as e:           # the case could not build its input
        return False, "setup", 0.0, f"setup failed: {e!r}"
    tmpdir = os.path.join(ctx.dir, "tmp")
    os.makedirs(tmpdir)
    digests = {t: kvm_digest(t) for t in run.trees}
    skip = {tmpdir, run.cache, os.path.join(ctx.dir, "run.out"),
            os.path.join(ctx.dir, "run.err"),
            os.path.join(ctx.dir, "again.out"),
            os.path.join(ctx.dir, "again.err")} | set(run.may_write)
    before = snapshot(ctx.dir, skip)
    had_cache = os.path.isdir(run.cache)
    rc, out, secs, survivors = execute(suite, run, tmpdir, "run")
    if run.output and os.path.isfile(run.output):
        with open(run.output, "rb") as f:
            out += "\n" + f.read().decode("utf-8", "replace")
    # the case's own paths hold its name: never let them satisfy a regex
    out = out.replace(ctx.dir, "<case>").replace(suite.dir, "<suite>")
    problems = []
    good = rc == c.expect and (not c.match or re.search(c.match, out,
                                                        re.M | re.S))
    if not good and c.alt:
        good = rc == c.alt[0] and re.search(c.alt[1], out, re.M | re.S)
    if not good:
        want = f"{c.expect}" + (f" matching /{c.match}/" if c.match else "")
        if c.alt:
            want += f" (or {c.alt[0]} matching /{c.alt[1]}/)"
        problems.append(f"expected exit {want}, got {rc}")
    if TRACEBACK in out:
        problems.append("a traceback in the output")
    if rc == "timeout":
        problems.append(f"still running after "
                        f"{run.max_wall or WALL_FACTOR * run.max_seconds} s "
                        f"on the clock (killed)")
    elif secs > run.max_seconds:
        problems.append(f"used {secs:.1f} s of CPU (budget "
                        f"{run.max_seconds} s)")
    for t, d in digests.items():
        if kvm_digest(t) != d:
            problems.append(f"the tree {t} was modified")
    left = leftovers(tmpdir)
    if left:
        problems.append(f"left in the temp dir: {' '.join(left[:3])}")
    after = snapshot(ctx.dir, skip)
    changed = sorted(p for p in after if before.get(p) != after[p])
    if changed:
        problems.append(f"wrote outside the scratch copy: "
                        f"{' '.join(changed[:3])}")
    if survivors:
        problems.append("processes left running: " + "; ".join(
            f"{pid} {cmd[:60]}" for pid, cmd in survivors[:2]))
    if run.check:
        why = run.check(run, out)
        if why:
            problems.append(why)
    if had_cache or os.path.exists(run.cache):
        problems += cache_usable(suite, run.cache, tmpdir)
    if problems:
        tail = " | ".join(ln.strip() for ln in out.strip().splitlines()[-3:])
        return False, rc, secs, "; ".join(problems) + f" -- last: {tail}"
    return True, rc, secs, ""


def cache_usable(suite, cache, tmpdir):
    """A second, quick run of a trivially good patch with the same cache
    must give exit 0: whatever the case did, the cache still works."""
    if not os.path.isdir(cache):
        return [f"the cache {cache} is gone"]
    from .ctx import Run
    run = Run(["--build", suite.build, "--cache", cache, "--kernel",
               suite.tree7, "--patch", suite.good_patch], [], cache,
              suite.build, max_seconds=60)
    rc, out, _, survivors = execute(suite, run, tmpdir, "again")
    if rc != 0:
        last = " | ".join(out.strip().splitlines()[-2:])
        return [f"the cache is no longer usable (good patch: exit {rc}: "
                f"{last})"]
    return []
