# SPDX-License-Identifier: GPL-2.0
"""Slice named definitions out of a kernel tree into one C translation unit.

The slicer copies function and macro definitions *verbatim* out of the KVM
x86 sources of a Linux kernel tree and writes them into a generated C file.
Every copied definition is preceded by a ``#line`` directive naming the
original file and line, so compiler diagnostics, gdb and gcov all point at
the kernel's own file:line.

Usage (``scripts/kvm_slice.py`` is the entry point)::

    kvm_slice.py --tree DIR --spec FILE --out-c OUT.c --out-h OUT.h
                 [--report OUT.json] [--search-dir arch/x86/kvm]
                 [--prelude slice_prelude.h] [--cache DIR]

Spec file (one entry a line, ``#`` starts a comment)::

    fn NAME [required] [traced] [arms=TOKEN,TOKEN,...]
    macro NAME [required]
    provided PATH...        headers (relative to the spec) naming what the
                            stubs provide; with it, what the named
                            definitions use is sliced too (closure)

Exit codes: 0 success, 2 usage / missing tree / bad spec, 3 symbol errors
(duplicate definition, required symbol missing, ``arms=`` without switch).

The C scanner is deliberately simple: it never runs the preprocessor.  It
blanks comments and literals, treats preprocessor lines as non-code, and
counts braces so that for every ``#if`` group the brace depth after the
``#endif`` is the depth reached at the end of the group's first branch.

Modules, in the order the work flows:

    spec          the spec file
    lexer         comment/literal masking, the indexed SourceFile
    conditionals  preprocessor directives, brace depth across #if groups
    header        recognising a function definition header
    scancache     each file scanned once per content, in memory and
                  (--cache DIR) on disk
    index         finding the wanted definitions across the tree
    switch        a function's switch: labels, arms, fall-through
    prune         dropping the switch arms ``arms=`` does not keep
    resolve       one definition per spec entry; the driver (slice_tree)
    closure       the helpers and macros the sliced code uses, followed
    render        the .c, .h and JSON outputs
    cli           argument parsing, writing the outputs, exit codes
    errors        exit codes and SliceError
"""

from .cli import main
from .errors import EXIT_OK, EXIT_SYMBOL, EXIT_USAGE, SliceError
from .index import index_tree, scan_file, word_re
from .lexer import SourceFile, mask_code, strip_comments
from .render import prototype, render_c, render_h, render_report
from .resolve import slice_tree
from .spec import SpecEntry, parse_spec

__all__ = [
    "EXIT_OK", "EXIT_SYMBOL", "EXIT_USAGE", "SliceError", "SourceFile",
    "SpecEntry", "index_tree", "main", "mask_code", "parse_spec",
    "prototype", "render_c", "render_h", "render_report", "scan_file",
    "slice_tree", "strip_comments", "word_re",
]
