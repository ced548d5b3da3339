# SPDX-License-Identifier: GPL-2.0
"""Bad patches: empty, 0 bytes, 50 MB of random bytes, 20 MB of text
garbage, non-UTF-8 bytes, hunks that do not apply (stale, reversed,
whitespace-damaged, applied twice), truncated hunks, wrong line counts, a
missing file, a diff only quoted in a reply; and a huge valid patch."""

import random
import re

from . import BAD_INPUT, VIOLATION, case, kernel

SCET = r"S_CET EXCLUSION"
NAMED = r"arch/x86/kvm/x86\.c"


@case("badpatch", BAD_INPUT, r"(?i)empty|no patch")
def bad_whitespace_only(c):
    """a file of blank lines and spaces"""
    return c.run("--patch", c.write("ws.patch", "\n \n\t\n\n"))


@case("badpatch", BAD_INPUT, r"(?i)empty|no patch")
def bad_zero_bytes(c):
    """a 0-byte file"""
    return c.run("--patch", c.write("zero.patch", b""))


@case("badpatch", BAD_INPUT, r"(?i)binary|not a patch|no patch")
def bad_random_50mb(c):
    """50 MB of random bytes (refused quickly, memory bounded)"""
    p = c.write("random.bin", random.Random(7).randbytes(50 << 20))
    run = c.run("--patch", p)
    run.max_seconds = 30
    return run


@case("badpatch", BAD_INPUT, r"(?i)no patch|malformed|mangled|truncated")
def bad_text_garbage_20mb(c):
    """20 MB of printable garbage sprinkled with diff-looking lines"""
    rnd = random.Random(8)
    bits = ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1 +1 @@",
            "From me Mon Sep 22 10:00:00 2025", "Subject: [PATCH 1/1] x"]
    lines = []
    size = 0
    while size < 20 << 20:
        ln = rnd.choice(bits) if rnd.random() < 0.05 else "".join(
            rnd.choice("abcdef xyz;{}()=+-") for _ in range(rnd.randint(
                0, 120)))
        lines.append(ln)
        size += len(ln) + 1
    run = c.run("--patch", c.write("garbage.txt", "\n".join(lines)))
    run.max_seconds = 60
    return run


@case("badpatch", VIOLATION, SCET,
      alt=(BAD_INPUT, r"(?i)utf|decod|encod|charset"))
def bad_non_utf8_bytes(c):
    """the violation plus latin-1 bytes (no charset header) in an added
    comment: applied byte for byte, or refused as undecodable"""
    text = c.mail((kernel.X86, lambda t: kernel.violation(t).replace(
        "\tcase MSR_IA32_S_CET:\n",
        "\t/* caf\udce9 cr\udceame */\n\tcase MSR_IA32_S_CET:\n", 1)))
    p = c.write("latin1.patch", text.encode("utf-8", "surrogateescape"))
    return c.run("--patch", p)


@case("badpatch", BAD_INPUT, r"(?i)hunk #1")
def bad_stale_hunk(c):
    """a hunk whose context is not in the tree (an edited context line)"""
    text = c.violation_mail()
    text = re.sub(r"(?m)^ \tswitch \(msr\) \{$", " \tswitch (msr + 1) {",
                  text, count=1)
    return c.run("--patch", c.write("stale.patch", text))


@case("badpatch", BAD_INPUT, r"(?i)revers|already applied")
def bad_reversed(c):
    """the violation patch given reversed (as if already applied)"""
    r = c.repo()
    r.edit(kernel.X86, kernel.violation)
    r.commit("v")
    text = r.git("format-patch", "--stdout", "-R", "HEAD~1..HEAD")
    return c.run("--patch", c.write("rev.patch", text))


@case("badpatch", BAD_INPUT, r"(?i)revers|already applied|twice|duplicate")
def bad_same_patch_twice(c):
    """--patch p --patch p: the second is already applied"""
    p = c.write("p.patch", c.violation_mail())
    return c.run("--patch", p, "--patch", p)


@case("badpatch", BAD_INPUT, r"(?i)hunk")
def bad_whitespace_damaged(c):
    """a mailer turned the tabs into spaces"""
    text = c.violation_mail()
    head, diff = text.split("\ndiff --git", 1)
    text = head + "\ndiff --git" + re.sub(
        r"(?m)^([ +-])\t", r"\1        ", diff)
    return c.run("--patch", c.write("ws.patch", text))


@case("badpatch", BAD_INPUT, r"(?i)truncat")
def bad_truncated_hunk(c):
    """the mail cut in the middle of its hunk"""
    text = c.violation_mail()
    cut = text.index("+\t\treturn true;")
    return c.run("--patch", c.write("cut.patch", text[:cut]))


@case("badpatch", BAD_INPUT, r"(?i)hunk|count|malformed|mangled")
def bad_hunk_counts(c):
    """a hunk header whose line counts are wrong"""
    text = re.sub(r"(?m)^@@ -(\d+),(\d+) \+(\d+),(\d+) @@",
                  lambda m: f"@@ -{m[1]},{int(m[2]) + 5} +{m[3]},"
                  f"{int(m[4]) + 5} @@", c.violation_mail(), count=1)
    return c.run("--patch", c.write("counts.patch", text))


@case("badpatch", BAD_INPUT, r"nope\.c")
def bad_missing_file(c):
    """a hunk to arch/x86/kvm/nope.c, not in the tree"""
    text = c.violation_mail().replace("arch/x86/kvm/x86.c",
                                      "arch/x86/kvm/nope.c")
    return c.run("--patch", c.write("nope.patch", text))


@case("badpatch", BAD_INPUT, r"(?i)no patch")
def bad_quoted_only(c):
    """a reply where the diff is only quoted (> ...)"""
    text = c.violation_mail()
    reply = ("From: R <r@example.invalid>\nSubject: Re: [PATCH] x\n\n" +
             "".join("> " + ln + "\n" for ln in text.splitlines()) +
             "\nNAK.\n")
    return c.run("--patch", c.write("quoted.txt", reply))


@case("badpatch", VIOLATION, SCET)
def bad_huge_valid(c):
    """a valid 6 MB patch: 100000 comment lines at the end of x86.c and
    the violation"""
    def big(t):
        return kernel.violation(t) + "".join(
            f"/* hostile filler {k} */\n" for k in range(100000))
    run = c.run("--patch", c.write("huge.patch", c.mail((kernel.X86, big))))
    run.max_seconds = 90
    return run
