# SPDX-License-Identifier: GPL-2.0
"""The report: --output where it cannot be written (checked before the
run: exit 2 with the reason, the report on stdout, nothing half-written),
a disk full at the end (/dev/full: exit 3, the device left a device), and
JUnit/JSON/TAP that must stay well-formed with control characters in
messages; non-ASCII subjects under Latin-1 and ASCII-only terminals."""

import json
import os
import stat
import xml.etree.ElementTree as ET

from . import BAD_INPUT, HARNESS, OK, VIOLATION, case, kernel

OUTPUT = r"(?i)output|cannot write|not a directory|is a directory"


def absent(path):
    def check(run, out):
        if os.path.exists(path):
            return f"{path} exists after a failed write"
    return check


@case("output", BAD_INPUT, OUTPUT)
def output_under_a_file(c):
    """--output FILE/report.txt (a file where a directory should be)"""
    f = c.write("plain", "x\n")
    target = os.path.join(f, "report.txt")
    return c.run("--output", target, check=absent(target))


@case("output", BAD_INPUT, OUTPUT)
def output_missing_directory(c):
    """--output into a directory that does not exist"""
    target = os.path.join(c.dir, "no", "such", "dir", "report.xml")
    return c.run("--format", "junit", "--output", target,
                 check=absent(target))


@case("output", BAD_INPUT, OUTPUT)
def output_is_a_directory(c):
    """--output names an existing directory"""
    d = os.path.join(c.dir, "outdir")
    os.makedirs(d)
    return c.run("--output", d)


def still_a_device(path):
    def check(run, out):
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return f"{path} is no longer a character device"
    return check


@case("output", HARNESS, r"(?i)space|ENOSPC|disk full")
def output_disk_full(c):
    """--output /dev/full (ENOSPC): not a link error, not a traceback,
    and /dev/full is written to, never replaced"""
    return c.run("--format", "json", "--output", "/dev/full",
                 check=still_a_device("/dev/full"))


@case("output", HARNESS, r"(?s)S_CET EXCLUSION.*(?i:disk full)")
def output_unwritable_after_violation(c):
    """a violation found, but the report cannot be written (/dev/full):
    3 wins (the developer never saw the finding in the file), and the
    report goes to stdout"""
    return c.run("--patch", c.write("v.patch", c.violation_mail()),
                 "--output", "/dev/full",
                 check=still_a_device("/dev/full"))


def xml_ok(path=None):
    def check(run, out):
        try:
            if path:
                ET.parse(path)
            else:
                ET.fromstring(run.stdout)
        except (ET.ParseError, ValueError, OSError) as e:
            return f"JUnit output is not well-formed XML: {e}"
    return check


@case("output", BAD_INPUT, r"(?i)compile error")
def output_junit_control_char_compile(c):
    """a compile error whose source line holds \\x01 and \\x1b: the JUnit
    (--output) parses"""
    p = c.write("ctl.patch", c.mail((kernel.X86, kernel.in_msr_io(
        "this is \x01 not \x1b[31m C;")), subject="KVM: x86: control"))
    xml = os.path.join(c.dir, "r.xml")
    return c.run("--patch", p, "--format", "junit", "--output", xml,
                 output=xml, check=xml_ok(xml), may_write=[xml])


@case("output", VIOLATION, r"S_CET EXCLUSION")
def output_junit_control_char_subject(c):
    """a violation whose patch subject holds \\x1b and \\x07: the JUnit on
    stdout parses"""
    p = c.write("ctl.patch", c.violation_mail(
        subject="KVM: x86: \x1b[1mS_CET\x07 \x0b bold"))
    return c.run("--patch", p, "--format", "junit", check=xml_ok())


@case("output", BAD_INPUT, r"nope\.c")
def output_junit_bad_input(c):
    """bad input in JUnit mode: still one well-formed document"""
    p = c.write("nope.patch", c.violation_mail().replace(
        "arch/x86/kvm/x86.c", "arch/x86/kvm/nope.c"))
    return c.run("--patch", p, "--format", "junit", check=xml_ok())


def json_ok(run, out):
    try:
        json.loads(run.stdout)
    except (ValueError, json.JSONDecodeError) as e:
        return f"JSON output does not parse: {e}"


@case("output", VIOLATION, r"S_CET EXCLUSION")
def output_json_violation(c):
    """JSON of a violation (subject with a quote, a backslash, \\x01)"""
    p = c.write("v.patch", c.violation_mail(
        subject='KVM: x86: "S_CET" \\ \x01'))
    return c.run("--patch", p, "--format", "json", check=json_ok)


@case("output", BAD_INPUT, r"(?i)hunk")
def output_json_bad_input(c):
    """JSON when a hunk does not apply"""
    text = c.violation_mail().replace("\n \tswitch (msr) {\n",
                                      "\n \tswitch (msr + 1) {\n", 1)
    return c.run("--patch", c.write("s.patch", text), "--format", "json",
                 check=json_ok)


@case("output", VIOLATION, r"(?m)^not ok")
def output_tap_crash(c):
    """TAP of a crash of the code under test: a `not ok` line"""
    p = c.write("crash.patch", c.mail((kernel.X86, kernel.in_msr_io(
        "*(volatile int *)0 = 0;")), subject="KVM: x86: crash"))
    return c.run("--patch", p, "--format", "tap")


HANG = kernel.counted(8, "for (;;) ;")


@case("output", VIOLATION, r"(?m)^not ok \d+ - patches 1 - COMPLETE")
def output_tap_hang(c):
    """TAP of a hang (a step stopped, its COMPLETE row without a case):
    `not ok` with the reason, never a traceback"""
    p = c.write("hang.patch", c.mail((kernel.X86, HANG),
                                     subject="KVM: x86: hang"))
    return c.run("--patch", p, "--format", "tap", "--case-timeout", "2")


@case("output", VIOLATION, r"COMPLETE violated: stopped after case")
def output_junit_hang(c):
    """JUnit of a hang: well-formed, the stopped step's reason in it"""
    p = c.write("hang.patch", c.mail((kernel.X86, HANG),
                                     subject="KVM: x86: hang"))
    return c.run("--patch", p, "--format", "junit", "--case-timeout", "2",
                 check=xml_ok())


# --- any locale: what it cannot encode is escaped, never a crash -------

def unicode_mail(c, edit):
    """A mail whose subject and author are not ASCII (CJK, Latin-1)."""
    text = c.mail((kernel.X86, edit),
                  subject="KVM: x86: \u65e5\u672c J\u00f6rg's S_CET")
    return c.write("unicode.patch", text)


def _in_locale(run, encoding):
    run.env = {"PYTHONIOENCODING": encoding, "LC_ALL": "C", "LANG": "C"}
    return run


@case("output", VIOLATION, r"\\u65e5\\u672c|\\\\u65e5")
def locale_latin1_violation(c):
    """the violation, its non-ASCII subject printed under a Latin-1
    terminal: escaped, exit 1 (not an exception, not exit 3)"""
    return _in_locale(c.run("--patch", unicode_mail(c, kernel.violation)),
                      "latin-1")


@case("output", OK, r"PASS")
def locale_ascii_clean(c):
    """a clean patch with a non-ASCII subject under an ASCII-only
    terminal (C/POSIX without UTF-8): exit 0"""
    return _in_locale(c.run("--patch", unicode_mail(c, kernel.harmless)),
                      "ascii")


@case("output", VIOLATION, r"S_CET EXCLUSION")
def locale_ascii_formats(c):
    """TAP with the same subject under ASCII: escaped, exit 1"""
    return _in_locale(c.run("--format", "tap", "--patch",
                            unicode_mail(c, kernel.violation)), "ascii")
