#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ctest checks for validate in the contributor's workflow: --b4 (b4's
per-patch check protocol, and the real b4 0.16 from Debian sid), the
formats kernel tools read (KTAP through the tree's kunit.py parse,
patchwork, NIPA, robot), --testing-line and base-commit: trailers.

  check_workflow.py CASE --build DIR [--tree7 DIR] [--tree612 DIR]
                    [--seed FILE]

Patches are made at run time from the cached trees (check_validate.py's
helpers).  Exit 0 pass, 1 fail, 77 skip (a tree, git or b4 absent).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_validate import (SKIP, TOP, VALIDATE, Fail,  # noqa: E402
                            check, gen_patch, gen_rewrite, git, kvm_copy,
                            main, need, write)
from hostile_cases import kernel    # noqa: E402

PROG = os.path.join(TOP, "kvm-x86-sim")
ERROR_LINE = re.compile(r"^arch/x86/kvm/x86\.c:\d+: ERROR: S_CET EXCLUSION: ",
                        re.M)


def run(argv, cwd=None, stdin=None, env=None):
    r = subprocess.run(argv, cwd=cwd, input=stdin, capture_output=True,
                       text=True, timeout=600, env=env)
    return r.returncode, r.stdout, r.stderr


def repo_of(tree, tmp, name="repo"):
    """A git repository of tree's arch/x86/kvm, one commit."""
    if not shutil.which("git"):
        print("SKIP: git not installed")
        sys.exit(SKIP)
    repo = kvm_copy(tree, os.path.join(tmp, name))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def series_in(repo, tmp):
    """Patch 1/2 breaks S_CET EXCLUSION (v14's is_xstate_managed_msr),
    patch 2/2 adds a comment: committed, and as threaded mails."""
    rel = kernel.X86
    p1 = write(tmp, "p1.patch", gen_rewrite(
        repo, rel, kernel.violation, "KVM: x86: S_CET as XSTATE",
        "[PATCH 1/2]"))
    git(repo, "apply", p1)
    git(repo, "commit", "-q", "-a", "-m", "KVM: x86: S_CET as XSTATE")
    p2 = write(tmp, "p2.patch", gen_patch(
        repo, rel, [("static int __msr_io(", "\t/* a comment */")],
        "KVM: x86: a comment", 2, 2))
    git(repo, "apply", p2)
    git(repo, "commit", "-q", "-a", "-m", "KVM: x86: a comment")
    out = os.path.join(tmp, "fp")
    git(repo, "format-patch", "-q", "--thread", "-o", out, "HEAD~2..HEAD")
    return sorted(os.path.join(out, f) for f in os.listdir(out))


def b4_check(repo, msg, build, env, fmt=None):
    """The command as b4 runs it: from the top level, the message on
    standard input."""
    with open(msg) as f:
        data = f.read()
    return run([sys.executable, VALIDATE, "--build", build,
                "--b4" + (f"={fmt}" if fmt else "")], cwd=repo, stdin=data,
               env=env)


def own_cache(tmp):
    return dict(os.environ, KVM_X86_SIM_CACHE=os.path.join(tmp, "cache"))


def case_b4_protocol(a, tmp):
    """b4's line protocol without b4: a committed series (b4 prep, or after
    git am) and the same series not applied yet (b4 am -k), message by
    message; the same per-patch verdicts as --git and --patch."""
    need(a.tree7, "the 7.x tree")
    repo = repo_of(a.tree7, tmp)
    msgs = series_in(repo, tmp)
    env = own_cache(tmp)
    rc, out, err = b4_check(repo, msgs[0], a.build, env)
    check(rc == 1 and ERROR_LINE.search(out) and not err,
          f"patch 1 in the history: exit {rc}, an ERROR line on stdout, "
          "nothing on stderr expected", out + err)
    print("prep 1/2:", out.strip())
    rc, out, err = b4_check(repo, msgs[1], a.build, env)
    check(rc == 0 and "ERROR" not in out and
          "WARNING: S_CET EXCLUSION" in out and
          "present before this patch" in out and not err,
          "patch 2 (a comment after the bug): a WARNING, exit 0", out + err)
    print("prep 2/2:", out.strip())
    # b4 am -k: checked before anything is applied; patch 2 after patch 1
    git(repo, "reset", "-q", "--hard", "HEAD~2")
    rc, out, err = b4_check(repo, msgs[0], a.build, env)
    check(rc == 1 and ERROR_LINE.search(out), "am 1/2: no ERROR", out + err)
    rc, out, err = b4_check(repo, msgs[1], a.build, env)
    check(rc == 0 and "introduced by patch 1/2, still present" in out,
          "am 2/2: the earlier patch not applied first", out + err)
    print("am 2/2:", out.strip())
    # a clean patch whose line runs: silence, exit 0; a patch of comments
    # only changes no code: silence too, not a warning on every comment
    # that gets the check switched off
    for name, line in (("clean", "\tvolatile int clean_probe = 0;"),
                       ("comment", "\t/* only a comment */")):
        p = write(tmp, f"{name}.patch", gen_patch(
            repo, kernel.X86, [("static int __msr_io(", line)],
            f"KVM: x86: {name}"))
        rc, out, err = b4_check(repo, p, a.build, env)
        check(rc == 0 and out == "" and err == "", f"a {name} patch: "
              "silence and exit 0 expected", out + err)
    clean = os.path.join(tmp, "clean.patch")
    rc, out, err = b4_check(repo, clean, a.build, env, "json")
    doc = json.loads(out)
    check(rc == 0 and doc[0]["status"] == "pass" and
          doc[0]["tool"] == "kvm-x86-sim", "--b4=json on a clean patch",
          out + err)
    # the same verdicts through --git and the files
    git(repo, "am", "-q", *msgs)
    per = {}
    for name, args in {"--git": ["--kernel", repo, "--git", "HEAD~2..HEAD"],
                       "files": ["--kernel", a.tree7, "--patch", msgs[0],
                                 "--patch", msgs[1]]}.items():
        rc, out, err = run([sys.executable, VALIDATE, "--build", a.build,
                            "--quiet", "--format", "json"] + args, env=env)
        doc = json.loads(out)
        per[name] = [st["invariants"]["S_CET EXCLUSION"]["verdict"]
                     for st in doc["steps"] if st["index"]]
    check(per["--git"] == per["files"] == ["FAIL", "FAIL"],
          f"per-patch verdicts differ: {per}")
    # a base-commit: trailer the checkout is not at: a warning
    with open(msgs[0]) as f:
        text = f.read()
    based = write(tmp, "based.patch", text.replace(
        "\n-- \n", "\nbase-commit: 0123456789abcdef0123456789abcdef01234567"
        "\n-- \n", 1))
    git(repo, "reset", "-q", "--hard", "HEAD~2")
    rc, out, err = run([sys.executable, VALIDATE, "--build", a.build,
                        "--quiet", "--no-explore", "--kernel", repo,
                        "--patch", based], env=env)
    check("warning: the series says base-commit 0123456789ab, the tree is "
          "at " + git(repo, "rev-parse", "HEAD")[:12] in out,
          "base-commit mismatch not warned", out + err)
    # not a git checkout, or no patch: one line on stderr, exit 2
    rc, out, err = run([sys.executable, VALIDATE, "--build", a.build,
                        "--b4"], cwd=tmp, stdin="x", env=env)
    check(rc == 2 and out == "" and len(err.splitlines()) == 1,
          "--b4 outside a git checkout: exit 2, one line", out + err)


def fetch_b4():
    r = subprocess.run(["bash", os.path.join(TOP, "scripts/fetch-b4.sh")],
                       capture_output=True, text=True, timeout=600)
    if r.returncode:
        print("SKIP: b4 0.16 not available:", r.stderr.strip())
        sys.exit(SKIP)
    return r.stdout.strip()


def case_b4_real(a, tmp):
    """Debian sid's b4 0.16: `b4 am -k` with validate --b4 as its
    am-perpatch-check-cmd shows the seed's S_CET bug on 6.12 as an ERROR
    line with the tree's file:line; b4's review check runner reads
    --b4=json (b4/review/checks.py).  (`b4 prep --check` needs a pygit2
    newer than Debian 12's; it runs the same protocol as am.)"""
    need(a.tree612, "the 6.12 tree")
    need(a.seed, "the seed patch")
    b4 = fetch_b4()
    repo = repo_of(a.tree612, tmp)
    r = subprocess.run(["patch", "-p1", "-s", "--fuzz=2", "--no-backup-if-mismatch",
                        "-i", a.seed], cwd=repo, capture_output=True,
                       text=True)
    check(r.returncode == 0, "the seed does not apply", r.stdout + r.stderr)
    git(repo, "commit", "-q", "-a", "-m",
        "KVM: x86: Load guest FPU state when access XSAVE-managed MSRs")
    fp = os.path.join(tmp, "fp")
    git(repo, "format-patch", "-q", "--thread", "-o", fp, "-1")
    msg = os.path.join(fp, os.listdir(fp)[0])
    with open(msg) as f:
        msgid = re.search(r"^Message-I[dD]: <([^>]+)>", f.read(), re.M)[1]
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    home = os.path.join(tmp, "home")
    os.makedirs(home)
    env = dict(own_cache(tmp), HOME=home, XDG_CONFIG_HOME=home,
               XDG_DATA_HOME=home, XDG_CACHE_HOME=os.path.join(home, "c"))
    cmd = f"{PROG} validate --build {a.build} --b4"
    git(repo, "config", "b4.am-perpatch-check-cmd", cmd)
    rc, out, err = run([b4, "--offline-mode", "am", "-k", "-m", msg, "-o",
                        os.path.join(tmp, "am"), msgid], cwd=repo, env=env)
    print(out + err)
    check(re.search(r"kvm-x86-sim: arch/x86/kvm/x86\.c:\d+: ERROR: "
                    r"S_CET EXCLUSION", out + err),
          "b4 am -k does not show the ERROR line", out + err)
    # b4's review runner on the JSON form
    site = os.path.join(os.path.dirname(os.path.dirname(b4)),
                        "root/usr/lib/python3/dist-packages")
    probe = (
        "import sys, json, email, email.policy\n"
        "from b4.review import checks\n"
        "msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), "
        "policy=email.policy.default)\n"
        "print(json.dumps(checks._run_external_cmd(checks.parse_cmd("
        "sys.argv[2]), msg, sys.argv[3])))\n")
    rc, out, err = run(["/usr/bin/python3", "-c", probe, msg,
                        cmd + "=json", repo],
                       env=dict(env, PYTHONPATH=site))
    check(rc == 0, "b4's review runner failed", out + err)
    res = json.loads(out)
    check(res and res[0]["status"] == "fail" and
          "S_CET EXCLUSION" in res[0]["details"],
          "b4's review runner does not read a fail", out + err)
    print("b4 review:", res[0]["status"], res[0]["summary"])


def case_formats(a, tmp):
    """KTAP through the tree's own kunit.py parse; patchwork, NIPA (exit
    250 on a warning, the description on $DESC_FD), robot, --testing-line,
    and a base-commit: trailer the tree is not at."""
    need(a.tree7, "the 7.x tree")
    kunit = os.path.join(os.path.dirname(os.path.realpath(a.tree7)),
                         os.path.basename(os.path.realpath(a.tree7)) +
                         "-full", "tools/testing/kunit/kunit.py")
    rel = kernel.X86
    bad = write(tmp, "bad.patch", gen_rewrite(
        a.tree7, rel, kernel.violation, "KVM: x86: S_CET as XSTATE"))
    base = ["--kernel", a.tree7, "--patch", bad, "--no-explore", "--quiet"]
    rc, out, err = run([PROG, "validate", "--format", "ktap"] + base)
    check(rc == 1 and out.startswith("KTAP version 1\n"), "ktap", out + err)
    if os.path.isfile(kunit):
        kt = write(tmp, "r.ktap", out)
        rc, out, err = run([sys.executable, kunit, "parse", kt])
        check("failed: 1" in out and "[FAILED] s_cet_exclusion" in out,
              "kunit.py parse does not read the failure", out + err)
        print(out.strip().splitlines()[-1])
    else:
        print(f"note: {kunit} absent: KTAP not parsed by kunit.py")
    rc, out, err = run([PROG, "validate", "--format", "patchwork"] + base)
    doc = json.loads(out)
    check(rc == 1 and doc[0]["state"] == "fail" and
          doc[0]["context"] == "kvm-x86-sim", "patchwork", out + err)
    rc, out, err = run([PROG, "validate", "--format", "robot"] + base)
    check(rc == 1 and "reproduce:     ./kvm-x86-sim validate" in out and
          re.search(r"^>> arch/x86/kvm/x86\.c:\d+: S_CET EXCLUSION", out,
                    re.M), "robot", out + err)
    rc, out, err = run([PROG, "validate", "--testing-line"] + base)
    check(rc == 1 and out.startswith("Testing: ") and
          len(out.splitlines()) == 1 and "does not replace" in out,
          "--testing-line", out + err)
    # NIPA: a clean patch with a base-commit the tree is not at: 250
    clean = gen_patch(a.tree7, rel, [("static int __msr_io(", "\t/* x */")],
                      "KVM: x86: clean")
    clean = write(tmp, "clean.patch", clean.replace(
        "-- \n2.47.3", "base-commit: 0123456789abcdef0123456789abcdef0123"
        "4567\n-- \n2.47.3"))
    rfd, wfd = os.pipe()
    r = subprocess.run([PROG, "validate", "--format", "nipa", "--kernel",
                        a.tree7, "--patch", clean, "--no-explore",
                        "--quiet"], capture_output=True, text=True,
                       pass_fds=[wfd], env=dict(os.environ,
                                                DESC_FD=str(wfd)))
    os.close(wfd)
    desc = os.fdopen(rfd).read()
    check(r.returncode == 250 and "base-commit 0123456789ab" in desc and
          len(desc.splitlines()) == 1, f"nipa: exit {r.returncode}, "
          f"description {desc!r}", r.stdout + r.stderr)
    print("nipa:", desc.strip())


def case_kunit_deps(a, tmp):
    """`kvm-x86-sim kunit` on a machine without flex: exit 2 before any
    work, the missing package named with the command that installs it."""
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    for tool in ("bash", "python3", "dirname", "readlink", "gcc", "make",
                 "bison", "bc", "perl"):
        path = shutil.which(tool)
        if path:
            os.symlink(path, os.path.join(bin_dir, tool))
    rc, out, err = run([os.path.join(bin_dir, "bash"), PROG, "kunit"],
                       env=dict(os.environ, PATH=bin_dir))
    check(rc == 2 and "flex" in err and "setup --kunit" in err and
          len(err.splitlines()) == 1, f"exit {rc}, expected 2 naming flex",
          out + err)
    print(err.strip())


def readme_blocks(names):
    """The sh blocks of README.md marked `<!-- run: NAME -->`."""
    with open(os.path.join(TOP, "README.md")) as f:
        text = f.read()
    blocks = {}
    for m in re.finditer(r"<!-- run: (\w+) -->\n```sh\n(.*?)```", text,
                         re.S):
        blocks[m.group(1)] = m.group(2).strip().splitlines()
    for n in names:
        check(n in blocks, f"README.md has no block marked run: {n}")
    return blocks


def case_readme_commands(a, tmp):
    """README's "Use it with b4" and "Use it in CI" commands, run as
    written: HOME a scratch directory whose ~/src/linux is a git repository
    of the 7.x tree (with kunit.py) holding a two-patch series, series.mbox
    beside it; each command must run (exit 0, 1 or NIPA's 250: a verdict,
    never bad input, a harness failure or a missing command)."""
    need(a.tree7, "the 7.x tree")
    full = os.path.realpath(a.tree7) + "-full"
    need(os.path.join(full, "tools/testing/kunit/kunit.py"),
         "the full 7.x tree's kunit.py")
    blocks = readme_blocks(["b4", "ci"])
    home = os.path.join(tmp, "home")
    repo = repo_of(a.tree7, os.path.join(home, "src"), "linux")
    shutil.copytree(os.path.join(full, "tools/testing/kunit"),
                    os.path.join(repo, "tools/testing/kunit"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kunit.py")
    git(repo, "update-ref", "refs/remotes/origin/master", "HEAD")
    msgs = series_in(repo, tmp)
    with open(os.path.join(repo, "series.mbox"), "w") as out:
        for m in msgs:
            with open(m) as f:
                out.write(f.read())
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    os.symlink(PROG, os.path.join(bin_dir, "kvm-x86-sim"))
    os.symlink(fetch_b4(), os.path.join(bin_dir, "b4"))
    env = dict(os.environ, HOME=home, PATH=bin_dir + ":" +
               os.environ["PATH"], KVM_X86_SIM_BUILD=a.build,
               KVM_X86_SIM_CACHE=os.environ.get("KVM_X86_SIM_CACHE") or
               os.path.join(os.path.expanduser("~"), ".cache/kvm_x86_sim"),
               GIT_CONFIG_GLOBAL=os.path.join(home, ".gitconfig"))
    git(repo, "config", "--global", "user.email", "test@example.invalid")
    for name, lines in blocks.items():
        script = "".join(f"{ln}\necho \"@@rc $?\"\n" for ln in lines)
        rc, out, err = run(["bash", "-c", script], cwd=home, env=env)
        codes = [int(c) for c in re.findall(r"^@@rc (\d+)$", out, re.M)]
        check(len(codes) == len(lines), f"{name}: not every line ran",
              out + err)
        for ln, c in zip(lines, codes):
            print(f"exit {c}: {ln}")
            check(c in (0, 1, 250), f"{name}: `{ln}` exited {c}", out + err)
        check("ERROR: S_CET EXCLUSION" in out + err or name != "b4",
              "b4: the series' bug not shown", out + err)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}


if __name__ == "__main__":
    sys.exit(main(CASES, "kvm-workflow-"))
