# SPDX-License-Identifier: GPL-2.0
"""In-process unit tests of what validate does around the patches: the
scratch copy (confinement, read-only and symlinked trees), applying renames
and binary patches, the self-verifying cache, the report's escaping and the
exit codes of harness failures (scripts/kvm_validate/).

Every tree and patch here is synthetic, made in the test.
"""

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from contextlib import redirect_stderr, redirect_stdout

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_validate import cli  # noqa: E402
from kvm_validate.apply import apply_patch, copy_tree  # noqa: E402
from kvm_validate.cache import Cache  # noqa: E402
from kvm_validate.errors import BadInput  # noqa: E402
from kvm_validate.patches import parse_patch_file  # noqa: E402
from kvm_validate.paths import cache_dir  # noqa: E402
from kvm_validate.report import (Outcome, render_json,  # noqa: E402
                                 render_junit, render_tap)
from kvm_validate.scratch import Scratch  # noqa: E402

KVM = "arch/x86/kvm"
HEAD = ("From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 "
        "2001\nFrom: T <t@example.invalid>\nSubject: [PATCH] t\n\nx\n---\n")


class Harness(unittest.TestCase):
    def setUp(self):
        t = tempfile.TemporaryDirectory(prefix="kvm-validate-unit-")
        self.addCleanup(t.cleanup)
        self.tmp = t.name
        self.tree = os.path.join(self.tmp, "tree")
        os.makedirs(os.path.join(self.tree, KVM))
        with open(os.path.join(self.tree, KVM, "x86.c"), "w") as f:
            f.write("".join(f"/* line {k} */\n" for k in range(1, 11)))

    def patch(self, text, name="t.patch"):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(HEAD + text)
        return parse_patch_file(p)[0]

    def scratch(self, tree=None):
        s = Scratch.create()
        self.addCleanup(s.remove)
        copy_tree(s, tree or self.tree)
        return s

    def test_dotdot_refused(self):
        p = self.patch("--- a/../../etc/x\n+++ b/../../etc/x\n"
                       "@@ -1 +1 @@\n-a\n+b\n")
        with self.assertRaises(BadInput) as e:
            apply_patch(p, self.scratch(), self.tree, 1)
        self.assertIn("refuses path", e.exception.args[0])

    def test_symlink_escape_refused(self):
        s = self.scratch()
        outside = os.path.join(self.tmp, "outside")
        os.mkdir(outside)
        os.symlink(outside, os.path.join(s.root, KVM, "evil"))
        p = self.patch(f"--- a/{KVM}/evil/x.c\n+++ b/{KVM}/evil/x.c\n"
                       "@@ -0,0 +1 @@\n+b\n")
        with self.assertRaises(BadInput) as e:
            apply_patch(p, s, self.tree, 1)
        self.assertIn("resolves outside the scratch copy",
                      e.exception.args[0])
        self.assertEqual(os.listdir(outside), [])

    def test_read_only_tree_and_symlink_tree(self):
        ro = os.path.join(self.tmp, "ro")
        shutil.copytree(self.tree, ro)
        links = os.path.join(self.tmp, "links")
        os.makedirs(os.path.join(links, KVM))
        os.symlink(os.path.join(self.tree, KVM, "x86.c"),
                   os.path.join(links, KVM, "x86.c"))
        for d, _, files in os.walk(ro):
            for fn in files:
                os.chmod(os.path.join(d, fn), 0o444)
            os.chmod(d, 0o555)
        self.addCleanup(lambda: [os.chmod(d, 0o755)
                                 for d, _, _ in os.walk(ro)])
        p = self.patch(f"--- a/{KVM}/x86.c\n+++ b/{KVM}/x86.c\n"
                       "@@ -1,2 +1,2 @@\n /* line 1 */\n-/* line 2 */\n"
                       "+/* two */\n")
        for tree in (ro, links):
            s = self.scratch(tree)
            apply_patch(p, s, tree, 1)
            with open(os.path.join(s.root, KVM, "x86.c")) as f:
                self.assertIn("/* two */", f.read())
            self.assertFalse(os.path.islink(os.path.join(s.root, KVM,
                                                         "x86.c")))
            s.remove()
            self.assertFalse(os.path.exists(s.base))
        with open(os.path.join(self.tree, KVM, "x86.c")) as f:
            self.assertNotIn("/* two */", f.read())

    def test_rename_applied(self):
        p = self.patch(f"diff --git a/{KVM}/x86.c b/{KVM}/y.c\n"
                       "similarity index 90%\n"
                       f"rename from {KVM}/x86.c\nrename to {KVM}/y.c\n"
                       f"--- a/{KVM}/x86.c\n+++ b/{KVM}/y.c\n"
                       "@@ -1,2 +1,2 @@\n /* line 1 */\n-/* line 2 */\n"
                       "+/* two */\n")
        s = self.scratch()
        apply_patch(p, s, self.tree, 1)
        self.assertTrue(os.path.exists(os.path.join(s.root, KVM, "y.c")))
        self.assertFalse(os.path.exists(os.path.join(s.root, KVM, "x86.c")))

    @unittest.skipUnless(shutil.which("git"), "git is not installed")
    def test_binary_applied_with_git(self):
        repo = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(repo, KVM))
        with open(os.path.join(repo, KVM, "blob.bin"), "wb") as f:
            f.write(bytes(range(256)))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("GIT_")}
        subprocess.run(["git", "init", "-q", repo], check=True, env=env)
        subprocess.run(["git", "-C", repo, "add", "."], check=True, env=env)
        d = subprocess.run(["git", "-C", repo, "diff", "--cached",
                            "--binary"], check=True, env=env,
                           stdout=subprocess.PIPE, text=True).stdout
        self.assertIn("GIT binary patch", d)
        p = self.patch(d + f"--- a/{KVM}/x86.c\n+++ b/{KVM}/x86.c\n"
                       "@@ -1,3 +1,3 @@\n /* line 1 */\n-/* line 2 */\n"
                       "+/* two */\n /* line 3 */\n")
        s = self.scratch()
        notes = apply_patch(p, s, self.tree, 1)
        with open(os.path.join(s.root, KVM, "blob.bin"), "rb") as f:
            self.assertEqual(f.read(), bytes(range(256)))
        self.assertTrue(any("binary change" in n for n in notes), notes)

    def test_cache_repairs_itself(self):
        c = Cache(os.path.join(self.tmp, "cache"))
        d = c.staging("bin", "k1")
        with open(os.path.join(d, "t"), "wb") as f:
            f.write(b"\x7fELF" + b"x" * 100)
        entry = c.publish(d, "bin", "k1")
        self.assertEqual(c.lookup("bin", "k1"), entry)
        with open(os.path.join(entry, "t"), "wb"):
            pass                # truncated to nothing
        self.assertIsNone(c.lookup("bin", "k1"))
        self.assertIn("was damaged", c.notes[0])
        self.assertFalse(os.path.exists(entry))

    def test_control_characters_escaped(self):
        res = Outcome(tree="/t", error=["bad \x01 thing\x1b[31m",
                                        "detail \x00\udcff"], exit=2)
        root = ET.fromstring(render_junit(res))
        msg = root.find("./testsuite/testcase/error").get("message")
        self.assertEqual(msg, "bad \\x01 thing\\x1b[31m")
        doc = json.loads(render_json(res))
        self.assertEqual(doc["error"], "bad \x01 thing\x1b[31m")
        self.assertNotIn("\x1b", render_tap(res))

    def test_cache_dir(self):
        old = dict(os.environ)
        self.addCleanup(lambda: (os.environ.clear(), os.environ.update(old)))
        os.environ.pop("KVM_X86_SIM_CACHE", None)
        os.environ["XDG_CACHE_HOME"] = "/x"
        self.assertEqual(cache_dir(), "/x/kvm_x86_sim")
        os.environ["KVM_X86_SIM_CACHE"] = "/own"
        self.assertEqual(cache_dir(), "/own")

    def run_main(self, argv):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = cli.main(argv)
        return rc, out.getvalue(), err.getvalue()

    def test_exit_codes(self):
        rc, _, err = self.run_main(["--kernel", self.tree, "--build",
                                    os.path.join(self.tmp, "nobuild")])
        self.assertEqual(rc, 3, err)
        self.assertIn("kvm_x86_sim_build.json is missing", err)
        ro = os.path.join(self.tmp, "rodir")
        os.mkdir(ro, 0o555)
        if os.access(ro, os.W_OK):
            return              # root writes anywhere
        rc, _, err = self.run_main(["--kernel", self.tree, "--output",
                                    os.path.join(ro, "r.xml")])
        self.assertEqual(rc, 2, err)
        self.assertIn("not writable", err)

    def test_unexpected_exception_is_one_line_exit_3(self):
        def boom(*_a):
            raise ValueError("boom")
        real = cli.check_tree
        cli.check_tree = boom
        self.addCleanup(setattr, cli, "check_tree", real)
        os.environ.pop("KVM_X86_SIM_DEBUG", None)
        rc, _, err = self.run_main(["--kernel", self.tree])
        self.assertEqual(rc, 3)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("internal error: ValueError: boom", err)


if __name__ == "__main__":
    unittest.main()
