# SPDX-License-Identifier: GPL-2.0
"""Command-line misuse: unknown options, bad values for --format,
--case-timeout and --memory-limit, --patch of a directory, a FIFO,
/dev/null or nothing, --kernel of a file, no tree at all.  All exit 2 with
a one-line reason (and --help exits 0)."""

import os

from . import BAD_INPUT, OK, case

USAGE = r"(?i)usage|invalid|unrecognized|argument"


@case("cli", OK)
def cli_no_patch(c):
    """the bare 7.x tree, no patch (the baseline: 0)"""
    return c.run()


@case("cli", OK, r"(?i)usage")
def cli_help(c):
    """--help"""
    return c.run("--help")


@case("cli", BAD_INPUT, USAGE)
def cli_unknown_option(c):
    """--frobnicate"""
    return c.run("--frobnicate")


@case("cli", BAD_INPUT, USAGE)
def cli_bad_format(c):
    """--format yaml"""
    return c.run("--format", "yaml")


TIMEOUT_VALUE = r"(?i)argument --case-timeout|--case-timeout.*(must|invalid)"
MEMORY_VALUE = r"(?i)argument --memory-limit|--memory-limit.*(must|invalid)"


@case("cli", BAD_INPUT, TIMEOUT_VALUE)
def cli_case_timeout_negative(c):
    """--case-timeout -1"""
    return c.run("--case-timeout", "-1")


@case("cli", BAD_INPUT, TIMEOUT_VALUE)
def cli_case_timeout_text(c):
    """--case-timeout soon"""
    return c.run("--case-timeout", "soon")


@case("cli", BAD_INPUT, MEMORY_VALUE)
def cli_memory_limit_zero(c):
    """--memory-limit 0"""
    return c.run("--memory-limit", "0")


@case("cli", BAD_INPUT, r"(?i)director")
def cli_patch_is_directory(c):
    """--patch of a directory"""
    d = os.path.join(c.dir, "patches")
    os.makedirs(d)
    return c.run("--patch", d)


@case("cli", BAD_INPUT, r"(?i)no such|cannot read|not found")
def cli_patch_missing(c):
    """--patch of a file that does not exist"""
    return c.run("--patch", os.path.join(c.dir, "nope.patch"))


@case("cli", BAD_INPUT, r"(?i)empty|no patch|regular")
def cli_patch_dev_null(c):
    """--patch /dev/null"""
    return c.run("--patch", "/dev/null")


@case("cli", BAD_INPUT, r"(?i)regular|fifo|not a file")
def cli_patch_fifo(c):
    """--patch of a FIFO nobody writes to: refused, not blocked on"""
    f = os.path.join(c.dir, "fifo.patch")
    os.mkfifo(f)
    return c.run("--patch", f, max_seconds=20)


@case("cli", BAD_INPUT, r"(?i)not a|director")
def cli_kernel_is_file(c):
    """--kernel of a regular file"""
    return c.run(kernel_dir=c.write("k", "x\n"))


@case("cli", BAD_INPUT, r"(?i)no --kernel|setup")
def cli_no_tree_anywhere(c):
    """no --kernel and an empty tree cache (KVM_X86_SIM_CACHE)"""
    return c.run(kernel=False)
