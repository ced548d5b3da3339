# SPDX-License-Identifier: GPL-2.0
"""--b4: validate as b4's per-patch check command.

b4 (0.16: b4.prep-perpatch-check-cmd, b4.am-perpatch-check-cmd and
b4.review-perpatch-check-cmd) runs the command from the git top level,
once per patch, with the patch as an RFC 2822 message on standard input.
For prep and am, every line on stdout is a finding (a line holding
"ERROR:" fails the patch, any other warns), every line on stderr fails it,
and silence with exit 0 passes it.  For review, stdout is a JSON list of
{tool, status: pass|warn|fail, summary, url, details}.  (b4's own source:
b4/__init__.py LoreMessage.run_local_check, b4/review/checks.py
_run_external_cmd.)

Which tree the patch is checked on:
- the patch is a commit of HEAD's recent history (b4 prep, or after b4
  am / shazam): found by `git patch-id --stable`, it is checked on that
  commit's parent, which holds the series' earlier patches;
- else (b4 am -k checks before applying): on HEAD, after the earlier
  patches of its thread (same first References id, [PATCH k/N]) that this
  command was given before; the ones not seen are said in a warning.
The trees come from `git archive` (the worktree is never touched).
"""

import argparse
import hashlib
import json
import os
import shutil
from typing import Optional

from .errors import BadInput, HarnessError
from .formats import Finding, step_findings
from .gitrange import base_tree, git_output, repo_top, run_git
from .mail import read_mails
from .patches import find_diff_start, parse_patch_file
from .paths import cache_dir
from .report import Outcome, one_line, printable
from .verdicts import Step

TOOL = "kvm-x86-sim"
SEARCH_DEPTH = 100      # commits of HEAD's history searched for the patch


def patch_id(repo: str, text: str) -> str:
    """git patch-id --stable of a diff (decoded from the message)."""
    r = run_git(repo, "patch-id", "--stable", input_text=text)
    return r.stdout.split()[0] if r.returncode == 0 and r.stdout else ""


def find_commit(repo: str, pid: str, depth: int) -> Optional[str]:
    """The commit among HEAD's last `depth` (merges aside) whose patch-id
    is pid."""
    log = run_git(repo, "log", "-p", "--no-merges", "--no-color",
                   "--no-ext-diff", "--format=commit %H", f"-n{depth}",
                   "HEAD")
    if log.returncode:
        return None             # an empty repository: no history to find
    ids = run_git(repo, "patch-id", "--stable", input_text=log.stdout)
    for ln in ids.stdout.splitlines():
        p = ln.split()
        if len(p) == 2 and p[0] == pid:
            return p[1]
    return None


def diff_text(path: str) -> str:
    """The message's diff, decoded (a quoted-printable patch too)."""
    with open(path, "rb") as f:
        mails = read_mails(path, f.read())
    for m in mails:
        d = find_diff_start(m.lines)
        if d is not None:
            return "\n".join(m.lines[d:]) + "\n"
    return ""


def thread_dir(thread: str) -> str:
    key = hashlib.sha256(thread.encode()).hexdigest()[:24]
    return os.path.join(cache_dir(), "b4", "threads", key)


def earlier_of_thread(path: str, notes: list[str]) -> list[str]:
    """The kept messages of patches 1..k-1 of the message's thread, when
    all were seen; the message itself is kept for the patches after it."""
    p = parse_patch_file(path)[0]
    if not p.number or not p.thread:
        return []
    k, n = p.number
    d = thread_dir(p.thread)
    try:
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(path, os.path.join(d, f"{k}-of-{n}.eml"))
    except OSError as e:
        raise HarnessError(f"cannot keep the message in {d}: {e.strerror}")
    have = [os.path.join(d, f"{j}-of-{n}.eml") for j in range(1, k)]
    missing = [str(j) for j, f in enumerate(have, 1)
               if not os.path.isfile(f)]
    if missing:
        notes.append(f"patch(es) {', '.join(missing)} of {n} of this "
                     "thread were not given to this command before: "
                     f"patch {k}/{n} is checked on HEAD without the "
                     "earlier ones")
        return []
    return have


def b4_inputs(args: argparse.Namespace, res: Outcome, kept: str) -> str:
    """args.kernel and args.patch for the message kept at `kept`; returns
    the commit it is checked on."""
    repo = repo_top(args.kernel)
    pid = patch_id(repo, diff_text(kept))
    if not pid:
        raise BadInput("--b4: the message on standard input holds no patch "
                       "git can read (no diff)")
    commit = find_commit(repo, pid, args.b4_depth)
    if commit:
        parent = git_output(repo, "rev-parse", "--verify",
                            f"{commit}^").strip()
        res.notes.append(f"commit {commit[:12]} of {repo}, checked on its "
                         f"parent {parent[:12]}")
        args.patch = [kept]
    else:
        parent = git_output(repo, "rev-parse", "--verify", "HEAD").strip()
        res.notes.append(f"not in HEAD's last {args.b4_depth} commits: "
                         f"checked on HEAD {parent[:12]} of {repo}")
        args.patch = earlier_of_thread(kept, res.warnings) + [kept]
    args.kernel = base_tree(repo, parent)
    res.replay = ["--kernel", args.kernel] + [
        a for p in args.patch for a in ("--patch", p)]
    return parent


def b4_findings(res: Outcome) -> list[tuple[str, str]]:
    """(status, line) for the message's patch: the last step of the run."""
    last = res.steps[-1] if res.steps and not res.steps[-1].reference \
        and res.steps[-1].index == len(res.patches) else None
    out: list[tuple[str, str]] = []
    if last is None:
        why = res.stopped or (res.error[0] if res.error else "not checked")
        return [("fail", f"ERROR: this patch was not checked: {why}")]
    total = len(res.patches)
    for f in step_findings(res, last):
        out.append(_line(f, last, total))
    for w in res.warnings:
        out.append(("warn", f"WARNING: {w}"))
    cov = last.coverage
    if not out and cov is not None and cov.code_not_run():
        out.append(("warn", "WARNING: this PASS covered none of the "
                    f"patch: {cov.summary()}"))
    return out


def _line(f: Finding, step: Step, total: int) -> tuple[str, str]:
    c = f.cases[0]
    where = f.where(step.changed)
    what = (f"{f.inv}: {f.message()} [{len(f.cases)} case(s), first "
            f"{c.name}]")
    if f.origin == "new":
        fixed = f" (fixed by patch {f.fixed}/{total})" if f.fixed else ""
        return "fail", f"{where}: ERROR: {what}{fixed}"
    if f.origin == "earlier":
        return "warn", (f"{where}: WARNING: {what}: introduced by patch "
                        f"{f.since}/{total}, still present")
    if step.cells.get(f.inv, ("", ""))[0] == "FAIL":     # --strict
        return "fail", f"{where}: ERROR: {what} (present before this " \
            "patch; --strict)"
    return "warn", f"{where}: WARNING: {what}: present before this patch"


def render_b4(res: Outcome, as_json: bool) -> tuple[str, int]:
    """The report for b4, and the exit code: 1 when a line is an ERROR."""
    if res.error and not res.steps:
        if as_json:
            return json.dumps([{"tool": TOOL, "status": "fail",
                                "summary": one_line(res.error[0]),
                                "url": "", "details": "\n".join(
                                    res.error[1:])}]) + "\n", res.exit
        return "", res.exit         # the reason went to stderr: a failure
    found = b4_findings(res)
    code = 1 if any(s == "fail" for s, _ in found) else 0
    if not as_json:
        return "".join(one_line(printable(ln)) + "\n"
                       for _, ln in found), code
    status = "fail" if code else "warn" if found else "pass"
    last = res.steps[-1]
    n = last.counts()
    summary = (f"{sum(1 for s, _ in found if s == 'fail')} new "
               "violation(s)" if code else
               f"{len(found)} warning(s)" if found else
               f"{len(last.invs)} invariants held over {n['PASS']} cases")
    details = [{"status": s, "description": one_line(printable(ln))}
               for s, ln in found]
    return json.dumps([{"tool": TOOL, "status": status, "summary": summary,
                        "url": "", "details": json.dumps(details)}],
                      indent=2) + "\n", code
