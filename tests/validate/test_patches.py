# SPDX-License-Identifier: GPL-2.0
"""In-process unit tests of the patch and mail reader
(scripts/kvm_validate/mail.py, patches.py).

Every mail here is synthetic (a few lines of our own), made in the test.
Run: python3 -m unittest discover -s tests/validate -p 'test_*.py'
"""

import base64
import os
import quopri
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from kvm_validate.errors import BadInput  # noqa: E402
from kvm_validate.patches import (check_numbering, parse_patch_file,  # noqa
                                  read_series)

SEP = "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001"


def diff(rel, old="line one", new="line two", ctx="context"):
    return (f"diff --git a/{rel} b/{rel}\nindex 1111111..2222222 100644\n"
            f"--- a/{rel}\n+++ b/{rel}\n@@ -1,2 +1,2 @@\n {ctx}\n-{old}\n"
            f"+{new}\n")


BINARY = ("diff --git a/tools/logo.bin b/tools/logo.bin\n"
          "new file mode 100644\nindex 0000000..3333333\n"
          "GIT binary patch\nliteral 12\n"
          "TcmZQzWMXDvWn^Gr00aO5\n\nliteral 0\nHcmV?d00001\n\n")


def mail(subject, body, headers=""):
    return (f"{SEP}\nFrom: Test <test@example.invalid>\n"
            f"Subject: {subject}\n{headers}\n{body}")


class Reader(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="kvm-validate-unit-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text, mode="w"):
        p = os.path.join(self.tmp.name, name)
        with open(p, mode) as f:
            f.write(text)
        return p

    def test_binary_patch_then_later_patch(self):
        """A GIT binary patch does not end the reading: the text diff after
        it in the same patch and the next message's patch are kept."""
        box = mail("[PATCH 1/2] one", "Text.\n---\n" + diff("a/x.c") +
                   BINARY + diff("a/y.c") + "-- \n2.47.3\n\n")
        box += mail("[PATCH 2/2] two", "More.\n---\n" + diff("a/z.c") +
                    "-- \n2.47.3\n")
        ps = parse_patch_file(self.write("s.mbox", box))
        self.assertEqual([p.subject for p in ps],
                         ["[PATCH 1/2] one", "[PATCH 2/2] two"])
        self.assertEqual([f.path() for f in ps[0].files],
                         ["a/x.c", "tools/logo.bin", "a/y.c"])
        self.assertEqual(ps[0].files[1].binary, "git")
        self.assertIn("GIT binary patch", ps[0].files[1].lines)
        self.assertEqual(ps[1].files[0].path(), "a/z.c")

    def test_binary_stub_is_kept_as_unappliable(self):
        text = mail("[PATCH] bin", "x\n---\n"
                    "diff --git a/f.bin b/f.bin\nindex 1..2 100644\n"
                    "Binary files a/f.bin and b/f.bin differ\n" +
                    diff("a/x.c"))
        ps = parse_patch_file(self.write("b.patch", text))
        self.assertEqual([f.binary for f in ps[0].files], ["stub", ""])

    def test_base64_mail(self):
        body = base64.encodebytes(("Commit text.\n---\n" + diff(
            "arch/x86/kvm/x86.c", new="caf\u00e9")).encode()).decode()
        text = mail("[PATCH] base64", body,
                    "MIME-Version: 1.0\nContent-Type: text/plain; "
                    "charset=utf-8\nContent-Transfer-Encoding: base64\n")
        ps = parse_patch_file(self.write("b64.patch", text))
        self.assertEqual(len(ps), 1)
        fd = ps[0].files[0]
        self.assertEqual(fd.path(), "arch/x86/kvm/x86.c")
        self.assertIn("+caf\u00e9", fd.lines)
        self.assertIn("base64", fd.hunks[0].line)

    def test_quoted_printable_mail(self):
        raw = ("Commit text.\n---\n" + diff(
            "arch/x86/kvm/x86.c", new="x = " + "y" * 90 + ";")).encode()
        body = quopri.encodestring(raw).decode()
        self.assertIn("=\n", body)      # a soft line break really is there
        text = mail("[PATCH] qp", body,
                    "MIME-Version: 1.0\nContent-Type: text/plain; "
                    "charset=us-ascii\n"
                    "Content-Transfer-Encoding: quoted-printable\n")
        ps = parse_patch_file(self.write("qp.patch", text))
        self.assertIn("+x = " + "y" * 90 + ";", ps[0].files[0].lines)

    def test_from_line_in_body_is_not_a_message(self):
        """A reviewer's unquoted 'From me Mon ... 2025' line stays in its
        message: it is not followed by a header line."""
        body = ("As I wrote:\n\nFrom me Mon Sep 22 10:00:00 2025\n"
                "this is not a new mail.\n---\n" + diff("a/x.c"))
        box = mail("[PATCH 1/2] one", body)
        box += "\n" + mail("[PATCH 2/2] two", "x\n---\n" + diff("a/y.c"))
        ps = parse_patch_file(self.write("f.mbox", box))
        self.assertEqual([p.subject for p in ps],
                         ["[PATCH 1/2] one", "[PATCH 2/2] two"])
        single = parse_patch_file(self.write("one.patch",
                                             mail("[PATCH] one", body)))
        self.assertEqual(len(single), 1)

    def test_mboxrd_escape_undone(self):
        box = mail("[PATCH 1/2] a", ">From the start\n---\n" + diff("a/x.c"))
        box += "\n" + mail("[PATCH 2/2] b", "b\n---\n" + diff("a/y.c"))
        ps = parse_patch_file(self.write("rd.mbox", box))
        self.assertEqual(len(ps), 2)

    def test_line_numbers_are_the_files(self):
        text = mail("[PATCH] bad", "x\n---\n--- a/x.c\n+++ b/x.c\n"
                    "@@ -1,2 +1,2 @@\n ctx\nGARBAGE\n")
        with self.assertRaises(BadInput) as e:
            parse_patch_file(self.write("bad.patch", text))
        self.assertIn("bad.patch:11:", str(e.exception.args[0]))

    def test_unknown_charset_read_as_utf8(self):
        text = mail("[PATCH] odd charset", "Body.\n---\n" + diff("x.c"),
                    "Content-Type: text/plain; charset=x-nonesuch\n")
        ps = parse_patch_file(self.write("odd.patch", text))
        self.assertEqual(ps[0].files[0].path(), "x.c")

    def test_rename_paths(self):
        text = mail("[PATCH] mv", "x\n---\n"
                    "diff --git a/arch/x86/kvm/old.c b/arch/x86/kvm/new.c\n"
                    "similarity index 90%\nrename from arch/x86/kvm/old.c\n"
                    "rename to arch/x86/kvm/new.c\nindex 1..2 100644\n"
                    "--- a/arch/x86/kvm/old.c\n+++ b/arch/x86/kvm/new.c\n"
                    "@@ -1,2 +1,2 @@\n c\n-a\n+b\n")
        fd = parse_patch_file(self.write("mv.patch", text))[0].files[0]
        self.assertTrue(fd.renames())
        self.assertEqual(fd.source_path(), "arch/x86/kvm/old.c")
        self.assertEqual(fd.path(), "arch/x86/kvm/new.c")

    def test_pure_rename_without_hunk(self):
        text = mail("[PATCH] mv", "x\n---\n"
                    "diff --git a/a/old.c b/a/new.c\nsimilarity index 100%\n"
                    "rename from a/old.c\nrename to a/new.c\n-- \n2.47\n")
        fd = parse_patch_file(self.write("mv.patch", text))[0].files[0]
        self.assertEqual((fd.source_path(), fd.path()),
                         ("a/old.c", "a/new.c"))

    def test_thread_text_quoted_diff_ignored(self):
        text = ("[PATCH v2] KVM: x86: thing\n\nOn Mon, Someone wrote:\n"
                "> diff --git a/q.c b/q.c\n> --- a/q.c\n> +++ b/q.c\n"
                "> @@ -1 +1 @@\n> -a\n> +b\n\nSome prose.\n\n" +
                diff("a/real.c") + "\n> more quoting\n")
        ps = parse_patch_file(self.write("thread.txt", text))
        self.assertEqual([f.path() for f in ps[0].files], ["a/real.c"])
        self.assertEqual(ps[0].subject, "[PATCH v2] KVM: x86: thing")

    def test_reply_and_cover_letter_in_mbox(self):
        notes = []
        box = mail("[PATCH 0/1] cover", "No diff.\n\n")
        box += mail("[PATCH 1/1] one", "x\n---\n" + diff("a/x.c") + "\n")
        box += mail("Re: [PATCH 1/1] one", "> " + diff("a/x.c") +
                    "\nLooks good.\n")
        ps = read_series([self.write("t.mbox", box)], notes)
        self.assertEqual([p.subject for p in ps], ["[PATCH 1/1] one"])
        self.assertTrue(any("cover letter" in n for n in notes), notes)

    def test_cover_letter_file(self):
        notes = []
        cover = self.write("0000-cover-letter.patch",
                           mail("[PATCH 0/2] series", "Why.\n"))
        p1 = self.write("0001-a.patch", mail("[PATCH 1/2] a",
                                             "x\n---\n" + diff("a/x.c")))
        p2 = self.write("0002-b.patch", mail("[PATCH 2/2] b",
                                             "x\n---\n" + diff("a/y.c")))
        ps = read_series([cover, p1, p2], notes)
        self.assertEqual(len(ps), 2)
        self.assertTrue(any("cover letter skipped: 0000-cover-letter" in n
                            for n in notes), notes)

    def series(self, *numbers):
        paths = []
        for n, m in numbers:
            paths.append(self.write(f"p{n}-{len(paths)}.patch", mail(
                f"[PATCH v3 {n}/{m}] p{n}", "x\n---\n" + diff(f"a/{n}.c"))))
        return paths

    def test_numbering_gap(self):
        with self.assertRaises(BadInput) as e:
            read_series(self.series((1, 3), (3, 3)), [])
        self.assertIn("[PATCH 2/3] is missing", e.exception.args[0])

    def test_numbering_duplicate(self):
        with self.assertRaises(BadInput) as e:
            read_series(self.series((1, 2), (1, 2), (2, 2)), [])
        self.assertIn("given twice", e.exception.args[0])

    def test_numbering_mixed_series(self):
        with self.assertRaises(BadInput):
            read_series(self.series((1, 2), (2, 3)), [])

    def test_numbering_out_of_order_reordered(self):
        notes = []
        ps = read_series(self.series((2, 2), (1, 2)), notes)
        self.assertEqual([p.number for p in ps], [(1, 2), (2, 2)])
        self.assertTrue(any("reordered" in n for n in notes), notes)

    def test_numbering_prefix_noted(self):
        notes = []
        ps = read_series(self.series((1, 3), (2, 3)), notes)
        self.assertEqual(len(ps), 2)
        self.assertTrue(any("patch 3 of 3 not given" in n for n in notes),
                        notes)

    def test_unnumbered_kept_in_order(self):
        self.assertEqual(check_numbering([], []), [])

    def test_garbage_and_empty(self):
        with self.assertRaises(BadInput) as e:
            parse_patch_file(self.write("g.patch", "not a patch\n"))
        self.assertIn("no patch found", e.exception.args[0])
        with self.assertRaises(BadInput):
            parse_patch_file(self.write("e.patch", ""))


def plain(rel, old="line one", new="line two", ctx="context"):
    """One file of a plain diff -urN: its command line, no git header."""
    return (f"diff -urN a/{rel} b/{rel}\n"
            f"--- a/{rel}\t2026-01-01 00:00:00.000000000 +0000\n"
            f"+++ b/{rel}\t2026-01-01 00:00:01.000000000 +0000\n"
            f"@@ -1,2 +1,2 @@\n {ctx}\n-{old}\n+{new}\n")


class Dialects(unittest.TestCase):
    """Every file of every diff dialect is read, or the input refused:
    the same change in any dialect gives the same file diffs."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="kvm-validate-unit-")
        self.addCleanup(self.tmp.cleanup)

    def read(self, text):
        p = os.path.join(self.tmp.name, "p.diff")
        with open(p, "w") as f:
            f.write(text)
        return parse_patch_file(p)

    def paths(self, text):
        return [fd.path() for pt in self.read(text) for fd in pt.files]

    def test_diff_urN_every_file(self):
        text = plain("arch/x86/kvm/vmx/vmx.c") + \
            "Only in b/arch/x86/kvm: new.h\n" + plain("arch/x86/kvm/x86.c")
        self.assertEqual(self.paths(text), ["arch/x86/kvm/vmx/vmx.c",
                                            "arch/x86/kvm/x86.c"])

    def test_diff_Nru_three_files(self):
        text = "".join(plain(f"arch/x86/kvm/f{i}.c").replace("-urN", "-Nru")
                       for i in range(3))
        self.assertEqual(len(self.paths(text)), 3)

    def test_quilt_index_lines(self):
        text = "".join(f"Index: linux/arch/x86/kvm/f{i}.c\n{'=' * 67}\n" +
                       plain(f"arch/x86/kvm/f{i}.c").split("\n", 1)[1]
                       for i in range(2))
        self.assertEqual(len(self.paths(text)), 2)

    def test_two_diffs_in_one_mail(self):
        text = mail("[PATCH] two diffs", "Fix it.\n---\n" +
                    diff("arch/x86/kvm/x86.c") + "\nand the other one:\n\n"
                    + diff("arch/x86/kvm/vmx/vmx.c") + "-- \n2.43.0\n")
        self.assertEqual(self.paths(text), ["arch/x86/kvm/x86.c",
                                            "arch/x86/kvm/vmx/vmx.c"])

    def test_same_change_same_files(self):
        git = diff("arch/x86/kvm/x86.c") + diff("arch/x86/kvm/svm/svm.c")
        urn = plain("arch/x86/kvm/x86.c") + plain("arch/x86/kvm/svm/svm.c")
        a, b = self.read(git)[0].files, self.read(urn)[0].files
        self.assertEqual([(f.path(), [h.body for h in f.hunks]) for f in a],
                         [(f.path(), [h.body for h in f.hunks]) for f in b])

    def test_plain_binary_note_kept_as_stub(self):
        text = plain("arch/x86/kvm/x86.c") + \
            "Binary files a/firmware/f.bin and b/firmware/f.bin differ\n" \
            + plain("arch/x86/kvm/svm/svm.c")
        files = self.read(text)[0].files
        self.assertEqual([(f.path(), f.binary) for f in files],
                         [("arch/x86/kvm/x86.c", ""),
                          ("firmware/f.bin", "stub"),
                          ("arch/x86/kvm/svm/svm.c", "")])

    def test_diff_N_new_file_creates(self):
        text = ("diff -urN a/arch/x86/kvm/regs.c b/arch/x86/kvm/regs.c\n"
                "--- a/arch/x86/kvm/regs.c\t1970-01-01 00:00:00.000000000 "
                "+0000\n+++ b/arch/x86/kvm/regs.c\t2026-01-01 00:00:00."
                "000000000 +0000\n@@ -0,0 +1,2 @@\n+int a;\n+int b;\n")
        fd = self.read(text)[0].files[0]
        self.assertTrue(fd.creates())
        self.assertEqual(fd.path(), "arch/x86/kvm/regs.c")

    def test_unread_hunk_refused(self):
        # a hunk after text that is neither a header nor a hunk: refused
        # by name, never dropped
        text = diff("arch/x86/kvm/x86.c") + "garbage in the middle\n" + \
            "@@ -5,2 +5,2 @@\n ctx\n-a\n+b\n"
        with self.assertRaises(BadInput) as e:
            self.read(text)
        self.assertIn("could not be read", str(e.exception))


if __name__ == "__main__":
    unittest.main()
