# SPDX-License-Identifier: GPL-2.0
"""Unit tests for the slicer: scripts/kvm_slice.py and its package
scripts/kvm_slice/.

Run from the top of the repository with:

    python3 -m unittest discover -s tests/slicer

Every C snippet here is a synthetic toy written for these tests; it only
imitates the syntax found in kernel sources.
"""

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "kvm_slice.py")
sys.path.insert(0, os.path.dirname(SCRIPT))

import kvm_slice as ks  # noqa: E402

KVM = "arch/x86/kvm"


def dedent(s):
    return textwrap.dedent(s).lstrip("\n")


class ToyTree:
    """A temporary kernel-like tree with files under arch/x86/kvm."""

    def __init__(self, files):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "linux")
        os.makedirs(os.path.join(self.root, KVM))
        for rel, text in files.items():
            self.write(rel, text)
        self.out = os.path.join(self.tmp.name, "out")

    def write(self, rel, text):
        path = os.path.join(self.root, KVM, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(dedent(text))

    def lines(self, rel):
        with open(os.path.join(self.root, KVM, rel)) as f:
            return f.read().split("\n")

    def run(self, spec, extra=()):
        """Run kvm_slice in-process; returns (rc, stdout, stderr)."""
        spec_path = os.path.join(self.tmp.name, "spec.txt")
        with open(spec_path, "w") as f:
            f.write(dedent(spec))
        argv = ["--tree", self.root, "--spec", spec_path,
                "--out-c", self.path("slice.c"),
                "--out-h", self.path("slice.h"),
                "--report", self.path("report.json")] + list(extra)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = ks.main(argv)
        return rc, out.getvalue(), err.getvalue()

    def path(self, name):
        return os.path.join(self.out, name)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def report(self):
        with open(self.path("report.json")) as f:
            rep = json.load(f)
        return {s["name"]: s for s in rep["symbols"]}

    def close(self):
        self.tmp.cleanup()


def blocks(c_text):
    """Split generated C into [(line, path, [lines...])] per #line."""
    out = []
    for ln in c_text.split("\n"):
        m = re.match(r'#line (\d+) "(.*)"$', ln)
        if m:
            out.append((int(m.group(1)), m.group(2), []))
        elif out:
            out[-1][2].append(ln)
    return out


def definition_block(c_text, name):
    """The last #line block mentioning NAME( (i.e. the definition)."""
    found = [b for b in blocks(c_text)
             if any(re.search(r"\b%s\s*\(" % re.escape(name), ln)
                    for ln in b[2])]
    return found[-1]


class SliceTestCase(unittest.TestCase):
    """Helpers shared by the tests below."""

    def tree(self, files):
        t = ToyTree(files)
        self.addCleanup(t.close)
        return t

    def assertLinesMatchSource(self, block, skip=lambda ln: False):
        """Every non-blank emitted line equals the source line #line says.

        Lines for which *skip* returns true are not compared.
        """
        line, path, lines = block
        with open(path) as f:
            src = f.read().split("\n")
        for i, ln in enumerate(lines):
            if ln.strip() and not skip(ln):
                self.assertEqual(ln, src[line - 1 + i],
                                 f"{path}:{line + i} differs")

    def scan(self, text, fns=(), macros=(), rel="x.c"):
        src = ks.SourceFile("/toy", rel, dedent(text))
        return src, ks.scan_file(src, ks.word_re(set(fns)), set(macros))

    def only_fn(self, text, name):
        src, defs = self.scan(text, fns=[name])
        self.assertEqual(len(defs), 1, defs)
        d = defs[0]
        return src.text[d.start:d.end], d


# --------------------------------------------------------------------------


class MaskingTest(SliceTestCase):

    def test_mask_keeps_length_and_newlines(self):
        text = 'a /* x\n y */ b "s{\\"}" \'{\' // c {\nd'
        code, starts, ends = ks.mask_code(text)
        self.assertEqual(len(code), len(text))
        self.assertEqual(code.count("\n"), text.count("\n"))
        self.assertNotIn("{", code)
        self.assertNotIn("}", code)
        self.assertEqual(len(starts), 2)

    def test_char_literals(self):
        code, _, _ = ks.mask_code("x = '\\''; y = '{'; z = '\"'; w = '}';")
        self.assertNotIn("{", code)
        self.assertNotIn("}", code)
        self.assertEqual(code.count(";"), 4)

    def test_string_with_comment_opener(self):
        code, starts, _ = ks.mask_code('s = "/* not a comment"; t = 1; /**/')
        self.assertIn("t = 1;", code)
        self.assertEqual(len(starts), 1)

    def test_stray_apostrophe_in_directive(self):
        code, _, _ = ks.mask_code("#error can't happen\nint x;\n")
        self.assertIn("int x;", code)

    def test_strip_comments_keeps_strings(self):
        self.assertEqual(ks.strip_comments('"/*x*/" /* y */'),
                         '"/*x*/"        ')


class FunctionScanTest(SliceTestCase):

    def test_braces_in_comments_strings_chars(self):
        text, _ = self.only_fn("""
            static int toy_braces(char c)
            {
            	/* } } } */
            	// }
            	const char *s = "}{}\\"}";
            	if (c == '}' || c == '\\'' || c == '{')
            		return s[0];
            	return 0;
            }
            int after;
            """, "toy_braces")
        self.assertTrue(text.startswith("static int toy_braces(char c)"))
        self.assertTrue(text.endswith("return 0;\n}"))

    def test_function_pointer_parameter(self):
        text, d = self.only_fn("""
            struct toy;
            static int toy_io(struct toy *t, unsigned n,
            		  int (*do_one)(struct toy *t,
            				unsigned idx, unsigned long *val))
            {
            	return do_one(t, n, 0);
            }
            """, "toy_io")
        self.assertEqual(d.line, 2)
        self.assertTrue(text.endswith("}"))
        self.assertEqual(ks.prototype(d),
                         "static int toy_io(struct toy *t, unsigned n, "
                         "int (*do_one)(struct toy *t, unsigned idx, "
                         "unsigned long *val));")

    def test_return_type_on_previous_line_and_doc_comment(self):
        text, d = self.only_fn("""
            int a;

            /**
             * toy_kstyle() - a doc comment { with a brace
             */
            static inline int
            toy_kstyle(int x)
            {
            	return x;
            }
            """, "toy_kstyle")
        self.assertEqual(d.line, 6)
        self.assertTrue(text.startswith("static inline int\ntoy_kstyle("))

    def test_qualifiers(self):
        for quals in ("static __always_inline", "noinline",
                      "static __init",
                      "__visible noinstr"):
            with self.subTest(quals=quals):
                text, _ = self.only_fn(f"""
                    {quals} void toy_q(void)
                    {{
                    }}
                    """, "toy_q")
                self.assertTrue(text.startswith(quals))

    def test_attributes_after_parameters(self):
        text, d = self.only_fn("""
            static void toy_locked(struct toy *t)
            	__must_hold(&t->lock) __attribute__((cold))
            {
            	t->n++;
            }
            """, "toy_locked")
        self.assertEqual(d.line, 1)
        self.assertEqual(ks.prototype(d), "static void toy_locked(struct "
                         "toy *t) __must_hold(&t->lock) "
                         "__attribute__((cold));")

    def test_leading_attribute_macro(self):
        _, d = self.only_fn("""
            __printf(2, 3) static void toy_log(struct toy *t, char *f, ...)
            {
            }
            """, "toy_log")
        self.assertEqual(d.line, 1)
        _, defs = self.scan("""
            static __printf(2, 3) void toy_log2(int a, const char *f, ...)
            {
            }
            """, fns=["__printf", "toy_log2"])
        self.assertEqual([x.name for x in defs], ["toy_log2"])

    def test_typeof_return_type(self):
        _, d = self.only_fn("""
            static typeof(int) toy_typed(void)
            {
            	return 1;
            }
            """, "toy_typed")
        self.assertEqual(d.line, 1)

    def test_prototypes_and_calls_are_not_definitions(self):
        src, defs = self.scan("""
            static int toy_fn(int x);
            int toy_fn(int x) __attribute__((alias("other")));
            EXPORT_SYMBOL_GPL(toy_fn);
            DEFINE_MUTEX(toy_fn);
            static int (*toy_ptr)(int) = toy_fn;
            """, fns=["toy_fn", "EXPORT_SYMBOL_GPL", "DEFINE_MUTEX"])
        self.assertEqual(defs, [])

    def test_aggregate_bodies_are_not_functions(self):
        src, defs = self.scan("""
            struct toy_ops { int (*toy_fn)(int); };
            enum toy_kind { TOY_A, TOY_B };
            static const unsigned toy_tab[ARRAY_SIZE(x)] = { 1, 2, 3 };
            static struct toy_ops toy_o = { .toy_fn = NULL };
            union toy_u { int a; } __attribute__((packed));
            int toy_fn(int a)
            {
            	return a;
            }
            """, fns=["toy_fn", "ARRAY_SIZE", "toy_ops"])
        self.assertEqual([(x.name, x.line) for x in defs], [("toy_fn", 6)])

    def test_macro_invocation_without_semicolon_before_function(self):
        text, d = self.only_fn("""
            TOY_BUILD_HELPER(read)
            TOY_GUARD(toy, struct toy *,
            	  toy_lock(_T), toy_unlock(_T))

            static int toy_after_macro(void)
            {
            	return 0;
            }
            """, "toy_after_macro")
        self.assertEqual(d.line, 5)
        self.assertTrue(text.startswith("static int toy_after_macro"))

    def test_comment_on_same_line_before_definition(self):
        text, d = self.only_fn("""
            int x; /* trailing */ int toy_inline_start(void)
            {
            	return 0;
            }
            """, "toy_inline_start")
        self.assertEqual(d.line, 1)
        self.assertTrue(text.startswith("int toy_inline_start"))

    def test_unbalanced_braces_in_conditional_branches(self):
        text, _ = self.only_fn("""
            static int toy_cond(int a, int b)
            {
            #ifdef CONFIG_TOY
            	if (a) {
            #elif defined(CONFIG_OTHER)
            	if (a && b) {
            #else
            	if (b) {
            #endif
            #if CONFIG_X
            # ifdef CONFIG_Y
            		a++; {
            # else
            		b++; { {
            # endif
            		}
            #endif
            		return 1;
            	}
            	return 0;
            }
            static int toy_next(void) { return 2; }
            """, "toy_cond")
        self.assertTrue(text.endswith("\treturn 0;\n}"))
        _, defs = self.scan(text + "\nint toy_next(void) { return 2; }\n",
                            fns=["toy_next"])
        self.assertEqual(len(defs), 1)

    def test_else_branch_cannot_close_outer_block(self):
        text, _ = self.only_fn("""
            int toy_floor(int a)
            {
            #ifdef CONFIG_A
            	if (a)
            		a++;
            #else
            	}
            	{
            #endif
            	return a;
            }
            int toy_other(void) { return 0; }
            """, "toy_floor")
        self.assertTrue(text.endswith("\treturn a;\n}"))

    def test_function_header_repeated_in_else_branch(self):
        text, d = self.only_fn("""
            #ifdef CONFIG_A
            static int toy_split(int a)
            {
            	if (a) {
            #else
            static int toy_split(int a)
            {
            	{
            #endif
            		a++;
            	}
            	return a;
            }
            """, "toy_split")
        self.assertEqual(d.line, 2)
        self.assertEqual(text.count("static int toy_split(int a)"), 2)
        self.assertTrue(text.endswith("\treturn a;\n}"))

    def test_directive_continuation_lines_are_not_code(self):
        text, _ = self.only_fn("""
            #define TOY_OPEN { \\
            	if (1) {
            static int toy_cont(void)
            {
            	return 0;
            }
            """, "toy_cont")
        self.assertTrue(text.startswith("static int toy_cont"))

    def test_case_range_and_labels_do_not_confuse_scan(self):
        text, _ = self.only_fn("""
            int toy_range(int x)
            {
            	switch (x) {
            	case 1 ... 5:
            		return 1;
            	case 'a' ... 'z':
            		return 2;
            	}
            	return 0;
            }
            """, "toy_range")
        self.assertTrue(text.endswith("return 0;\n}"))


class MacroScanTest(SliceTestCase):

    def test_object_and_function_like_with_continuations(self):
        src, defs = self.scan("""
            /* #define TOY_A 99 in a comment is not a definition */
            #define TOY_A	(1 << 3)
              #  define TOY_B(x)	\\
            	do {			\\
            		(x)++;		\\
            	} while (0)
            #define TOY_C 3 /* comment
            		   spanning lines */ + 1
            int toy_user(void) { return TOY_A; }
            """, macros=["TOY_A", "TOY_B", "TOY_C"])
        by = {d.name: d for d in defs}
        self.assertEqual(sorted(by), ["TOY_A", "TOY_B", "TOY_C"])
        self.assertEqual(by["TOY_A"].line, 2)
        b = by["TOY_B"]
        self.assertEqual(src.text[b.start:b.end].split("\n")[-1],
                         "\t} while (0)")
        c = by["TOY_C"]
        self.assertTrue(src.text[c.start:c.end].endswith(
            "spanning lines */ + 1"))


class ResolveTest(SliceTestCase):

    def test_exclusive_branches_first_wins(self):
        t = self.tree({"toy.h": """
            #ifdef CONFIG_TOY
            #define TOY_LIMIT 8
            int toy_feature(int x);
            #else
            #define TOY_LIMIT 0
            static inline int toy_feature(int x) { return 0; }
            #endif
            #if defined(CONFIG_A)
            static inline int toy_pick(void) { return 1; }
            #elif defined(CONFIG_B)
            static inline int toy_pick(void) { return 2; }
            #else
            static inline int toy_pick(void) { return 3; }
            #endif
            """})
        rc, out, err = t.run("""
            macro TOY_LIMIT
            fn toy_feature
            fn toy_pick
            """)
        self.assertEqual(rc, 0, err)
        rep = t.report()
        self.assertEqual(rep["TOY_LIMIT"]["line"], 2)
        self.assertEqual(len(rep["TOY_LIMIT"]["notes"]), 1)
        self.assertEqual(rep["toy_feature"]["line"], 6)
        self.assertEqual(rep["toy_feature"]["notes"], [])
        self.assertEqual(rep["toy_pick"]["line"], 9)
        self.assertEqual(len(rep["toy_pick"]["notes"]), 2)
        self.assertIn("found  toy_pick  arch/x86/kvm/toy.h:9", out)

    def test_duplicate_across_files_is_error(self):
        t = self.tree({
            "a.c": "int toy_dup(void)\n{\n\treturn 1;\n}\n",
            "sub/b.h": "/* b */\n\nstatic inline int toy_dup(void) "
                       "{ return 2; }\n",
        })
        rc, out, err = t.run("fn toy_dup\n")
        self.assertEqual(rc, 3)
        self.assertIn("arch/x86/kvm/a.c:1", err)
        self.assertIn("arch/x86/kvm/sub/b.h:3", err)
        self.assertFalse(os.path.exists(t.path("slice.c")))

    def test_identical_copy_in_another_file_is_not_an_error(self):
        text = "#define TOY_COPY 3\nint toy_copy(void)\n{\n\treturn 1;\n}\n"
        t = self.tree({"a.h": text, "a_copy.h": text})
        rc, out, err = t.run("fn toy_copy\nmacro TOY_COPY\n")
        self.assertEqual(rc, 0, err)
        rep = t.report()
        for name in ("toy_copy", "TOY_COPY"):
            self.assertIn("identical definitions", rep[name]["notes"][0])

    def test_duplicate_in_same_branch_is_error(self):
        t = self.tree({"a.c": """
            #define TOY_TWICE 1
            #ifdef CONFIG_X
            #define TOY_TWICE 2
            #endif
            """})
        rc, _, err = t.run("macro TOY_TWICE\n")
        self.assertEqual(rc, 3)
        self.assertIn("a.c:1", err)
        self.assertIn("a.c:3", err)

    def test_exclusive_only_within_one_file(self):
        t = self.tree({
            "a.c": "#ifdef X\n#define TOY_M 1\n#endif\n",
            "b.c": "#ifndef X\n#define TOY_M 2\n#endif\n",
        })
        rc, _, err = t.run("macro TOY_M\n")
        self.assertEqual(rc, 3)

    def test_missing_optional_and_required(self):
        t = self.tree({"a.c": "int toy_here(void) { return 0; }\n"})
        rc, out, err = t.run("fn toy_here\nfn toy_gone\nmacro TOY_GONE\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines(), [
            "found  toy_here  arch/x86/kvm/a.c:1",
            "MISSING toy_gone",
            "MISSING TOY_GONE",
        ])
        rep = t.report()
        self.assertFalse(rep["toy_gone"]["found"])
        self.assertIsNone(rep["toy_gone"]["file"])
        self.assertNotIn("SLICE_HAVE_toy_gone", t.read("slice.h"))

        shutil.rmtree(t.out)
        rc, out, err = t.run("fn toy_here\nfn toy_gone required\n")
        self.assertEqual(rc, 3)
        self.assertEqual(err.strip(), f"kvm_slice: {t.root}: required symbol "
                         "toy_gone not found under arch/x86/kvm")
        self.assertEqual(out, "")
        self.assertFalse(os.path.exists(t.out))

    def test_code_moves_between_files(self):
        body = "static inline int toy_moving(int x)\n{\n\treturn x;\n}\n"
        t = self.tree({"x86.c": body})
        rc, out, _ = t.run("fn toy_moving required\n")
        self.assertIn("arch/x86/kvm/x86.c:1", out)
        os.remove(os.path.join(t.root, KVM, "x86.c"))
        t.write("deep/er/x86.h", "#pragma once\n" + body)
        rc, out, _ = t.run("fn toy_moving required\n")
        self.assertEqual(rc, 0)
        self.assertIn("arch/x86/kvm/deep/er/x86.h:2", out)


class ClosureTest(SliceTestCase):
    """With `provided`, what a sliced definition uses comes with it."""

    FILES = {
        "x86.c": """
            #define TOY_LIMIT 4
            static int
            toy_helper3(int x)
            {
            \treturn x;
            }
            static int toy_helper2(int x) { return toy_helper3(x) + TOY_LIMIT; }
            static int toy_helper(int x)
            {
            \treturn toy_helper2(x) + provided_fn(x);
            }
            int toy_entry(int x)
            {
            \tint writeback = 0;
            \treturn toy_helper(x) + writeback;
            }
            static int writeback(int y) { return y; }
            """,
        "other.c": "static int toy_helper(int x) { return 99; }\n",
        "pm.c": "int provided_fn(int x) { return 0; }\n",
    }

    def sliced(self, spec):
        t = self.tree(self.FILES)
        with open(os.path.join(t.tmp.name, "stubs.h"), "w") as f:
            f.write("int provided_fn(int);\n")
        rc, _, err = t.run(spec)
        self.assertEqual(rc, 0, err)
        return t.report()

    def test_helpers_and_macros_followed(self):
        rep = self.sliced("fn toy_entry\nprovided stubs.h\n")
        self.assertEqual(rep["toy_helper"]["file"], f"{KVM}/x86.c")
        self.assertIn("caller's", " ".join(rep["toy_helper"]["notes"]))
        self.assertIn("toy_helper2", rep)
        self.assertIn("toy_helper3", rep)       # its name at column 0
        self.assertIn("TOY_LIMIT", rep)
        self.assertNotIn("provided_fn", rep)     # the stubs provide it
        self.assertNotIn("writeback", rep)       # a variable, not a call

    def test_nothing_followed_without_provided(self):
        rep = self.sliced("fn toy_entry\n")
        self.assertEqual(sorted(rep), ["toy_entry"])

    def test_arms_follow_a_switch_moved_into_a_helper(self):
        t = self.tree({"x86.c": """
            static int toy_get_switch(int msr)
            {
            \tswitch (msr) {
            \tcase TOY_A:
            \t\treturn toy_a();
            \tcase TOY_B:
            \t\treturn toy_b();
            \tdefault:
            \t\treturn 0;
            \t}
            }
            static int toy_other(int x)
            {
            \tswitch (x) {
            \tcase 1:
            \t\treturn 1;
            \tdefault:
            \t\treturn 2;
            \t}
            }
            int toy_get(int msr)
            {
            \treturn toy_get_switch(msr) + toy_other(msr);
            }
            static int toy_a(void) { return 1; }
            static int toy_b(void) { return 2; }
            """})
        with open(os.path.join(t.tmp.name, "stubs.h"), "w") as f:
            f.write("\n")
        rc, _, err = t.run("fn toy_get arms=TOY_A\nprovided stubs.h\n")
        self.assertEqual(rc, 0, err)
        rep, c = t.report(), t.read("slice.c")
        self.assertIn("toy_get_switch", rep)
        self.assertIn("toy_a", rep)
        self.assertNotIn("toy_b", rep)          # its arm was dropped
        self.assertIn("case TOY_A:", c)
        self.assertNotIn("case TOY_B:", c)
        self.assertIn("case 1:", c)             # another switch: untouched

    def test_provided_path_must_exist(self):
        t = self.tree(self.FILES)
        rc, _, err = t.run("fn toy_entry\nprovided nope.h\n")
        self.assertEqual(rc, 2)
        self.assertIn("nope.h", err)


class CliErrorTest(SliceTestCase):

    def test_missing_tree(self):
        t = self.tree({"a.c": ""})
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = ks.main(["--tree", "/nonexistent/toy", "--spec", "x",
                          "--out-c", t.path("c"), "--out-h", t.path("h")])
        self.assertEqual(rc, 2)
        self.assertIn("/nonexistent/toy", err.getvalue())

    def test_missing_search_dir(self):
        t = self.tree({"a.c": ""})
        rc, _, err = t.run("fn x\n", extra=["--search-dir", "arch/arm64/kvm"])
        self.assertEqual(rc, 2)
        self.assertIn("arch/arm64/kvm", err)

    def test_spec_errors_name_file_and_line(self):
        t = self.tree({"a.c": ""})
        bad = {
            "fn ok\nfunc bad\n": 2,
            "# comment\n\nfn ok required\nfn\n": 4,
            "fn ok bogus\n": 1,
            "macro M arms=A\n": 1,
            "fn f arms=A,,B\n": 1,
            "fn f\nmacro f\n": 2,
            "fn 9lives\n": 1,
        }
        for spec, line in bad.items():
            with self.subTest(spec=spec):
                rc, _, err = t.run(spec)
                self.assertEqual(rc, 2)
                self.assertRegex(err, r"spec\.txt:%d: " % line)

    def test_subprocess_cli(self):
        t = self.tree({"a.c": "int toy_sub(void) { return 0; }\n"})
        spec = os.path.join(t.tmp.name, "s.txt")
        with open(spec, "w") as f:
            f.write("fn toy_sub required # trailing comment\n")
        p = subprocess.run([sys.executable, SCRIPT, "--tree", t.root,
                            "--spec", spec, "--out-c", t.path("s.c"),
                            "--out-h", t.path("s.h")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "found  toy_sub  arch/x86/kvm/a.c:1\n")
        self.assertEqual(p.stderr, "")
        self.assertTrue(os.access(SCRIPT, os.X_OK))


# --------------------------------------------------------------------------

TOY_MSR = """
/* SPDX-License-Identifier: GPL-2.0 */
#include "toy.h"

#define TOY_SHIFT(x)	((x) >> 2)

int toy_get_reg(struct toy_vcpu *v, struct toy_req *req)
{
	u64 data = 0;

	switch (req->index) {
	case TOY_REG_A:
	case TOY_REG_B:
		data = v->a;
		break;
#ifdef CONFIG_TOY_64
	case TOY_REG_WIDE:
		data = v->wide;
		break;
#endif
	/* The shadow stack registers. */
	case TOY_REG_SSP0 ... TOY_REG_SSP3:
		data = v->ssp[req->index - TOY_REG_SSP0];
		break;
	case TOY_REG_NESTED:
		switch (v->mode) {
		case TOY_REG_SSP0:
			data = 1;
			break;
		default:
			data = 2;
		}
		if (data) {
	case TOY_REG_INSIDE_BLOCK:
			data++;
		}
		break;
	case TOY_REG_INTERNAL:
		if (!req->host)
			return 1;
		fallthrough;
	case TOY_REG_CHAINED:
		data = v->chained;
		/* fall through */
	case TOY_REG_CHAINED2:
		data |= 1;
		break;
	case TOY_REG_C: data = v->c; break; case TOY_REG_D:
		data = v->d; break;
	case TOY_REG_E: {
		const char *s = "case TOY_REG_SSP0: { ";
		data = s[0] == '}';
		break;
	}
	default:
		return toy_get_common(v, req);
	}
	req->data = data;
	return 0;
}
"""


class PruneTest(SliceTestCase):

    def prune(self, arms, text=TOY_MSR, name="toy_get_reg"):
        t = self.tree({"toy.c": text})
        rc, out, err = t.run(f"fn {name} arms={','.join(arms)}\n")
        self.assertEqual(rc, 0, err)
        return t, out, t.read("slice.c"), t.report()[name]

    def body_of(self, c_text, name="toy_get_reg"):
        return "\n".join(definition_block(c_text, name)[2])

    def test_keeps_matching_arms_and_default(self):
        t, out, c, rep = self.prune(["TOY_REG_SSP0", "TOY_REG_B"])
        body = self.body_of(c)
        self.assertEqual(rep["kept_arms"], [
            "case TOY_REG_A: case TOY_REG_B:",
            "case TOY_REG_SSP0 ... TOY_REG_SSP3:",
            "default:",
        ])
        self.assertEqual(rep["dropped_arms"], 8)
        self.assertIn("kept arms: case TOY_REG_A: case TOY_REG_B: | "
                      "case TOY_REG_SSP0 ... TOY_REG_SSP3: | default:", out)
        self.assertIn("#define SLICE_ARMS_toy_get_reg 2", t.read("slice.h"))
        # Labels inside the nested switch / block belong to TOY_REG_NESTED.
        for gone in ("TOY_REG_NESTED", "TOY_REG_INSIDE_BLOCK", "v->mode",
                     "TOY_REG_WIDE", "TOY_REG_C", "TOY_REG_E", "chained"):
            self.assertNotIn(gone, body)
        self.assertIn("/* The shadow stack registers. */", body)
        self.assertIn("return toy_get_common(v, req);", body)

    def test_line_numbers_preserved_and_conditionals_kept(self):
        t, _, c, _ = self.prune(["TOY_REG_SSP0"])
        block = definition_block(c, "toy_get_reg")
        self.assertLinesMatchSource(block)
        src = t.lines("toy.c")
        self.assertEqual(block[0], src.index(
            "int toy_get_reg(struct toy_vcpu *v, struct toy_req *req)") + 1)
        self.assertEqual(len(block[2]) - 1,
                         src.index("}", block[0]) - block[0] + 2)
        body = "\n".join(block[2])
        self.assertEqual(body.count("#ifdef CONFIG_TOY_64"), 1)
        self.assertEqual(body.count("#endif"), 1)

    def test_whole_identifier_match(self):
        _, _, _, rep = self.prune(["TOY_REG"])
        self.assertEqual(rep["kept_arms"], ["default:"])
        self.assertIn("arms token TOY_REG matched no case label",
                      rep["notes"])

    def test_fallthrough_chain(self):
        _, _, c, rep = self.prune(["TOY_REG_INTERNAL"])
        self.assertEqual(rep["kept_arms"], [
            "case TOY_REG_INTERNAL:", "case TOY_REG_CHAINED:",
            "case TOY_REG_CHAINED2:", "default:"])
        _, _, c, rep = self.prune(["TOY_REG_CHAINED2"])
        self.assertEqual(rep["kept_arms"], ["case TOY_REG_CHAINED2:",
                                            "default:"])

    def test_label_sharing_a_line(self):
        t, _, c, rep = self.prune(["TOY_REG_D"])
        self.assertEqual(rep["kept_arms"], ["case TOY_REG_D:", "default:"])
        block = definition_block(c, "toy_get_reg")
        self.assertLinesMatchSource(block, skip=lambda ln: "TOY_REG_D" in ln)
        line = [ln for ln in block[2] if "TOY_REG_D" in ln][0]
        self.assertEqual(line.strip(), "case TOY_REG_D:")
        self.assertTrue(line.endswith("\tcase TOY_REG_D:") or
                        line.startswith(" "))
        self.assertNotIn("v->c", "\n".join(block[2]))
        src_line = [s for s in t.lines("toy.c") if "TOY_REG_D" in s][0]
        self.assertEqual(len(line), len(src_line))

        _, _, c, rep = self.prune(["TOY_REG_C"])
        body = self.body_of(c)
        self.assertIn("case TOY_REG_C: data = v->c; break; ", body)
        self.assertNotIn("TOY_REG_D", body)
        self.assertNotIn("v->d", body)

    def test_braces_in_literals_inside_arm(self):
        _, _, c, rep = self.prune(["TOY_REG_E"])
        self.assertEqual(rep["kept_arms"], ["case TOY_REG_E:", "default:"])
        self.assertIn('"case TOY_REG_SSP0: { "', self.body_of(c))

    def test_text_before_first_label_and_first_switch_only(self):
        text = dedent("""
            int toy_pre(int x)
            {
            	if (x) {
            		switch (x) {
            		case 9: return 9;
            		}
            	}
            	switch (x) {
            		int keep_me;
            	case 1:
            		return 1;
            	case 2:
            		return 2;
            	}
            	switch (x) {
            	case 3:
            		return 3;
            	}
            	return 0;
            }
            """)
        _, _, c, rep = self.prune(["ZZZ"], text, "toy_pre")
        body = self.body_of(c, "toy_pre")
        self.assertEqual(rep["dropped_arms"], 2)
        self.assertIn("int keep_me;", body)
        self.assertIn("case 9: return 9;", body)
        self.assertIn("case 3:", body)
        self.assertNotIn("return 1;", body)

    def test_all_labels_of_group_in_conditionals(self):
        text = dedent("""
            int toy_grp(int x)
            {
            	switch (x) {
            	case 1:
            #ifdef CONFIG_TOY
            	case 2:
            #endif
            		return 12;
            	case 3:
            		return 3;
            	}
            	return 0;
            }
            """)
        _, _, c, rep = self.prune(["ZZZ"], text, "toy_grp")
        body = self.body_of(c, "toy_grp")
        self.assertEqual(rep["dropped_arms"], 2)
        self.assertEqual(body.count("#ifdef CONFIG_TOY"), 1)
        self.assertEqual(body.count("#endif"), 1)
        _, _, c, rep = self.prune(["ZZZ", "x"], text.replace("2:", "x:"),
                                  "toy_grp")
        self.assertEqual(rep["kept_arms"], ["case 1: case x:"])

    def test_labels_in_else_branch_after_unbalanced_first_branch(self):
        text = dedent("""
            int toy_alt(int x)
            {
            	switch (x) {
            #ifdef CONFIG_A
            	case TOY_ONE: if (x) {
            #else
            	case TOY_ONE: {
            #endif
            		x++;
            		}
            		break;
            	case TOY_TWO:
            		return 2;
            	}
            	return x;
            }
            """)
        _, _, c, rep = self.prune(["TOY_TWO"], text, "toy_alt")
        self.assertEqual(rep["dropped_arms"], 2)
        self.assertEqual(rep["kept_arms"], ["case TOY_TWO:"])
        block = definition_block(c, "toy_alt")
        self.assertLinesMatchSource(block)
        self.assertIn("#ifdef CONFIG_A\n\n#else\n\n#endif",
                      "\n".join(block[2]))

    def test_pruning_that_would_unbalance_braces_is_error(self):
        t = self.tree({"toy.c": """
            int toy_bad(int x)
            {
            	switch (x) {
            #ifdef CONFIG_A
            	case TOY_ONE: {
            		x++;
            #else
            	case TOY_ALT: {
            		x--;
            #endif
            		break;
            	}
            	default:
            		return 0;
            	}
            	return x;
            }
            """})
        rc, _, err = t.run("fn toy_bad arms=TOY_ONE\n")
        self.assertEqual(rc, 3)
        self.assertIn("toy_bad", err)
        self.assertIn("unbalance", err)
        rc, _, err = t.run("fn toy_bad arms=TOY_ONE,TOY_ALT\n")
        self.assertEqual(rc, 0, err)

    def test_comment_above_label_is_never_split(self):
        text = dedent("""
            int toy_split_cmt(int x)
            {
            	switch (x) {
            	case TOY_A:
            		return 1;
            	/*
            	 * A comment with an empty line inside it

            	 * belongs wholly to one arm.
            	 */
            	case TOY_B:
            		return 2;
            	/* This one moves with TOY_C. */
            	case TOY_C:
            		return 3;
            	}
            	return 0;
            }
            """)
        for keep in ("TOY_A", "TOY_B", "TOY_C"):
            with self.subTest(keep=keep):
                _, _, c, rep = self.prune([keep], text, "toy_split_cmt")
                block = definition_block(c, "toy_split_cmt")
                self.assertLinesMatchSource(block)
                body = "\n".join(block[2])
                self.assertEqual(body.count("/*"), body.count("*/"))
                self.assertEqual("TOY_C." in body, keep == "TOY_C")

    def test_arms_without_switch_takes_function_whole(self):
        t = self.tree({"toy.c": "int toy_flat(int x)\n{\n\treturn x;\n}\n"})
        rc, _, err = t.run("fn toy_flat arms=A\n")
        self.assertEqual(rc, 0, err)
        self.assertIn("return x;", t.read("slice.c"))
        self.assertIn("taken whole", " ".join(t.report()["toy_flat"]["notes"]))

    def test_dropped_directive_comment_is_stripped(self):
        text = dedent("""
            int toy_cmt(int x)
            {
            	switch (x) {
            	case 1:
            		return 1;
            #endif /* a comment
            	  over two lines */
            #if 1
            	case 2:
            		return 2;
            	default:
            		return 0;
            	}
            }
            """).replace("#endif /*", "#ifdef A\n\t\tx++;\n#endif /*")
        _, _, c, rep = self.prune(["ZZZ"], text, "toy_cmt")
        block = definition_block(c, "toy_cmt")
        self.assertLinesMatchSource(block, skip=lambda ln: ln[0] == "#")
        self.assertIn("#endif\n\n#if 1", "\n".join(block[2]))


class OutputTest(SliceTestCase):

    FILES = {
        "x86.c": """
            // SPDX-License-Identifier: GPL-2.0
            #include "x86.h"

            static int toy_b(int x)
            {
            	return TOY_M(x) + toy_a(x);
            }

            int toy_a(int x)
            {
            	return x;
            }
            """,
        "x86.h": """
            #ifndef TOY_X86_H
            #define TOY_M(x) \\
            	((x) * 2)
            #endif
            """,
    }

    def test_c_file_layout(self):
        t = self.tree(self.FILES)
        rc, out, err = t.run("fn toy_b\nmacro TOY_M\nfn toy_a\n",
                             extra=["--prelude", "my_prelude.h"])
        self.assertEqual(rc, 0, err)
        c = t.read("slice.c")
        lines = c.split("\n")
        self.assertEqual(lines[0], "/* SPDX-License-Identifier: GPL-2.0 */")
        self.assertEqual(lines[1], f"/* Generated by kvm_slice.py from "
                         f"{t.root} -- do not edit. */")
        self.assertEqual(lines[2], '#include "my_prelude.h"')
        b = blocks(c)
        x86c = os.path.join(t.root, KVM, "x86.c")
        x86h = os.path.join(t.root, KVM, "x86.h")
        self.assertEqual([(ln, p) for ln, p, _ in b], [
            (2, x86h), (4, x86c), (9, x86c), (4, x86c), (9, x86c)])
        self.assertEqual(b[0][2][:2], ["#define TOY_M(x) \\", "\t((x) * 2)"])
        self.assertEqual(b[1][2][0], "static int toy_b(int x);")
        self.assertEqual(b[2][2][0], "int toy_a(int x);")
        for blk in (b[0], b[3], b[4]):
            self.assertLinesMatchSource(blk)
        self.assertEqual(out.splitlines(), [
            "found  toy_b  arch/x86/kvm/x86.c:4",
            "found  TOY_M  arch/x86/kvm/x86.h:2",
            "found  toy_a  arch/x86/kvm/x86.c:9"])

    def test_header_and_report(self):
        t = self.tree(self.FILES)
        rc, _, err = t.run("fn toy_b required\nmacro TOY_M\nfn toy_zz\n")
        self.assertEqual(rc, 0, err)
        h = t.read("slice.h")
        self.assertRegex(h, r"#ifndef (\w+)\n#define \1\n")
        self.assertIn(f'#define SLICE_TREE "{t.root}"', h)
        self.assertIn("#define SLICE_HAVE_toy_b 1", h)
        self.assertIn("#define SLICE_HAVE_TOY_M 1", h)
        self.assertNotIn("toy_zz", h)
        self.assertNotIn("SLICE_ARMS_", h)
        self.assertTrue(h.rstrip().endswith("*/") and "#endif" in h)
        with open(t.path("report.json")) as f:
            rep = json.load(f)
        self.assertEqual(rep["tree"], t.root)
        first = rep["symbols"][0]
        for key in ("name", "kind", "found", "file", "line", "required",
                    "kept_arms", "dropped_arms", "notes"):
            self.assertIn(key, first)
        self.assertEqual((first["name"], first["kind"], first["found"],
                          first["file"], first["line"], first["required"]),
                         ("toy_b", "fn", True, "arch/x86/kvm/x86.c", 4, True))
        self.assertEqual(rep["symbols"][2]["found"], False)

    @unittest.skipUnless(shutil.which("gcc"), "gcc not available")
    def test_generated_code_compiles_and_maps_lines(self):
        t = self.tree({"toy.c": TOY_MSR.replace(
            "\t\tdata = v->ssp[req->index - TOY_REG_SSP0];\n",
            "\t\tdata = v->ssp[req->index - TOY_REG_SSP0];\n"
            "#warning toy-line-marker\n")})
        rc, _, err = t.run("macro TOY_SHIFT\n"
                           "fn toy_get_reg arms=TOY_REG_SSP0,TOY_REG_D\n")
        self.assertEqual(rc, 0, err)
        with open(t.path("slice_prelude.h"), "w") as f:
            f.write(dedent("""
                typedef unsigned long long u64;
                #define fallthrough __attribute__((__fallthrough__))
                enum { TOY_REG_A, TOY_REG_B, TOY_REG_WIDE, TOY_REG_SSP0,
                       TOY_REG_SSP3 = TOY_REG_SSP0 + 3, TOY_REG_NESTED,
                       TOY_REG_INSIDE_BLOCK, TOY_REG_INTERNAL,
                       TOY_REG_CHAINED, TOY_REG_CHAINED2, TOY_REG_C,
                       TOY_REG_D, TOY_REG_E };
                struct toy_vcpu { u64 a, wide, ssp[4], chained, c, d;
                                  int mode; };
                struct toy_req { int index, host; u64 data; };
                int toy_get_common(struct toy_vcpu *v, struct toy_req *r);
                """))
        p = subprocess.run(["gcc", "-fsyntax-only", "-Wall", "-Wno-cpp",
                            "-Werror=implicit-fallthrough", "-I", t.out,
                            t.path("slice.c")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = subprocess.run(["gcc", "-fsyntax-only", "-I", t.out,
                            t.path("slice.c")],
                           capture_output=True, text=True)
        src = t.lines("toy.c")
        line = src.index("#warning toy-line-marker") + 1
        self.assertIn(f"{os.path.join(t.root, KVM, 'toy.c')}:{line}:",
                      p.stderr)


TOY_INTERCEPTS = """
static void toy_recalc(struct toy_vcpu *v)
{
	struct toy_cpu *cpu = to_cpu(v);
	bool hide;

	if (!toy_has_bitmap())
		return;

	toy_pass(v, TOY_MSR_TSC, 1);
#ifdef CONFIG_TOY_64
	toy_pass(v, TOY_MSR_FS, 1);
#endif
	if (toy_cap(TOY_SHSTK)) {
		hide = !toy_guest(v, TOY_SHSTK);
		toy_pass(v, TOY_MSR_SSP0, hide);	/* ; } in a comment */
	} else if (toy_cap(TOY_IBT)) {
		toy_pass(v, TOY_MSR_OTHER, 0);
	} else
		toy_pass(v, TOY_MSR_TSC, 0);
	toy_set(cpu, (struct toy_pair){ .a = 1, .b = 2 });
	do {
		toy_pass(v, TOY_MSR_U_CET, hide);
	} while (0);
	toy_pmu(v);
}
"""


class StatementsTest(SliceTestCase):
    """stmts=: only the statements naming a token, and declarations."""

    def prune(self, text, tokens="TOY_MSR_SSP0,TOY_MSR_U_CET"):
        t = self.tree({"toy.c": text})
        rc, out, err = t.run(f"fn toy_recalc stmts={tokens}\n")
        self.assertEqual(rc, 0, err)
        return t, out, "\n".join(definition_block(t.read("slice.c"),
                                                  "toy_recalc")[2])

    def test_keeps_statements_naming_a_token_and_declarations(self):
        t, out, body = self.prune(TOY_INTERCEPTS)
        for kept in ("struct toy_cpu *cpu = to_cpu(v);", "bool hide;",
                     "hide = !toy_guest(v, TOY_SHSTK);",
                     "} else if (toy_cap(TOY_IBT)) {",
                     "toy_pass(v, TOY_MSR_OTHER, 0);",
                     "toy_pass(v, TOY_MSR_TSC, 0);",
                     "toy_pass(v, TOY_MSR_U_CET, hide);", "} while (0);"):
            self.assertIn(kept, body)
        for gone in ("toy_has_bitmap", "TOY_MSR_FS", "toy_set(",
                     "toy_pmu", "toy_pass(v, TOY_MSR_TSC, 1);"):
            self.assertNotIn(gone, body)
        self.assertIn("kept statements: 2 of 7", out)
        rep = t.report()["toy_recalc"]
        self.assertEqual((rep["kept_stmts"], rep["dropped_stmts"]), (2, 5))

    def test_line_numbers_and_conditionals_kept(self):
        t, _, body = self.prune(TOY_INTERCEPTS)
        block = definition_block(t.read("slice.c"), "toy_recalc")
        self.assertLinesMatchSource(block)
        self.assertEqual(body.count("#ifdef CONFIG_TOY_64"), 1)
        self.assertEqual(body.count("#endif"), 1)
        self.assertEqual(len(block[2]) - 1, len(dedent(
            TOY_INTERCEPTS).rstrip("\n").split("\n")))

    def test_a_helper_of_the_same_file_naming_a_token_is_kept(self):
        moved = TOY_INTERCEPTS.replace(
            "\tdo {\n\t\ttoy_pass(v, TOY_MSR_U_CET, hide);\n\t} "
            "while (0);\n", "\ttoy_recalc_cet(v);\n")
        moved = ("static void toy_recalc_cet(struct toy_vcpu *v)\n{\n"
                 "\ttoy_pass(v, TOY_MSR_U_CET, 1);\n}\n\n" +
                 dedent(moved))
        t, out, body = self.prune(moved)
        self.assertIn("toy_recalc_cet(v);", body)
        self.assertNotIn("toy_pmu", body)

    def test_no_statement_names_a_token(self):
        _, out, body = self.prune(TOY_INTERCEPTS, "TOY_MSR_NONE")
        self.assertIn("kept statements: 0 of 7", out)
        self.assertIn("bool hide;", body)
        self.assertNotIn("toy_pass", body)

    def test_stmts_and_arms_are_exclusive(self):
        t = self.tree({"toy.c": TOY_INTERCEPTS})
        rc, _, err = t.run("fn toy_recalc stmts=A arms=B\n")
        self.assertEqual(rc, 2)
        self.assertIn("arms= or stmts= given twice", err)


class BuildCheck(SliceTestCase):
    """--check-glue: the slice compiled before it is written; what the
    stubs lack taken from the tree's headers, what cannot be built left
    out and named, never a build that fails for a function nothing
    needs."""

    def setUp(self):
        if shutil.which("gcc") is None:
            self.skipTest("no gcc")

    def build(self, files, headers, spec, stubs="", glue=""):
        t = self.tree(files)
        for rel, text in headers.items():
            path = os.path.join(t.root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(dedent(text))
        shim = os.path.join(t.tmp.name, "shim")
        os.makedirs(shim)
        with open(os.path.join(shim, "slice_prelude.h"), "w") as f:
            f.write("#define might_sleep() ((void)0)\n" + dedent(stubs))
        glue_c = os.path.join(shim, "glue.c")
        with open(glue_c, "w") as f:
            f.write("#include SLICE_C\n" + dedent(glue))
        return t, t.run(spec, ["--check-glue", glue_c, "--check-cc", "gcc",
                               "-Werror=implicit-function-declaration",
                               "-I" + shim])

    def test_struct_and_annotation_taken_from_the_tree(self):
        t, (rc, out, err) = self.build(
            {"toy.c": """
                int toy_read(void)
                {
                \tstruct toy_msr v = { .lo = 1 };

                \ttoy_lockdep_assert_held_somehow();
                \treturn v.lo + TOY_SHIFT;
                }
                """},
            {"arch/x86/include/asm/toy.h": """
                #define TOY_SHIFT 4
                struct toy_msr {
                \tint lo;
                \tint hi;
                };
                """},
            "fn toy_read\n")
        self.assertEqual(rc, 0, err)
        self.assertIn("taken from the tree: struct toy_msr "
                      "(arch/x86/include/asm/toy.h:2)", out)
        self.assertIn("taken from the tree: macro TOY_SHIFT", out)
        self.assertIn("annotation toy_lockdep_assert_held_somehow", out)
        c = t.read("slice.c")
        self.assertIn('#line 2 "', c)
        self.assertIn("SLICE_HAVE_toy_read 1", t.read("slice.h"))

    def test_what_cannot_build_is_left_out_with_its_caller(self):
        t, (rc, out, err) = self.build(
            {"toy.c": """
                static int toy_helper(struct toy_vcpu *v)
                {
                \treturn v->no_such_field;
                }

                int toy_caller(struct toy_vcpu *v)
                {
                \treturn toy_helper(v);
                }

                int toy_fine(void)
                {
                \treturn 1;
                }
                """},
            {}, "fn toy_helper\nfn toy_caller\nfn toy_fine\n",
            stubs="struct toy_vcpu { int field; };\n")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"UNBUILT toy_helper .*no member named")
        self.assertRegex(out, r"UNBUILT toy_caller .*toy_helper")
        h = t.read("slice.h")
        self.assertIn("SLICE_HAVE_toy_fine 1", h)
        self.assertNotIn("SLICE_HAVE_toy_caller", h)
        self.assertIn('{ "toy_caller", ', h)
        rep = t.report()
        self.assertIn("no member named", rep["toy_helper"]["unbuilt"])
        self.assertIsNone(rep["toy_fine"]["unbuilt"])

    def test_required_definition_is_never_left_out(self):
        t, (rc, out, err) = self.build(
            {"toy.c": """
                int toy_core(void)
                {
                \treturn undeclared_thing;
                }
                """},
            {}, "fn toy_core required\n")
        self.assertEqual(rc, 0, err)
        self.assertNotIn("UNBUILT", out)
        self.assertIn("still does not compile", out)
        self.assertIn("SLICE_HAVE_toy_core 1", t.read("slice.h"))

    def test_glue_calling_a_void_function_leaves_it_out(self):
        t, (rc, out, err) = self.build(
            {"toy.c": """
                void toy_get(int *p)
                {
                \t*p = 1;
                }
                """},
            {}, "fn toy_get\n",
            glue="""
                #ifdef SLICE_HAVE_toy_get
                int glue_get(int *p) { int r = toy_get(p); return r; }
                #endif
                """)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"UNBUILT toy_get .*glue\.c:\d+: void value")



from kvm_slice import index as ks_index  # noqa: E402
from kvm_slice import scancache  # noqa: E402
from kvm_validate.paths import trees_dir  # noqa: E402

TOP = os.path.dirname(os.path.dirname(HERE))
SPEC = os.path.join(TOP, "slice", "kvm_msr.spec")
# the cached trees the scan cache is checked on, the newest first
TREES = ("linux-7", "linux-7.3.4", "linux-6.12")


def forget_scans():
    """Empty the process's memory of scans and masked copies."""
    scancache._SCANS.clear()
    scancache.MASKS.clear()


class ScanCacheTest(SliceTestCase):
    """Each file is scanned once per content (scancache.py): the slice is
    the same byte for byte with and without the cache, in memory or on
    disk, and a file's new content is scanned again."""

    def setUp(self):
        forget_scans()
        self.addCleanup(forget_scans)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.cache = os.path.join(self.tmp.name, "cache")

    def slice(self, tree, spec, cache, name):
        """Slice tree in-process; (rc, stdout, stderr, {file: bytes})
        and how many files were scanned."""
        out = os.path.join(self.tmp.name, name)
        argv = ["--tree", tree, "--spec", spec,
                "--out-c", os.path.join(out, "slice.c"),
                "--out-h", os.path.join(out, "slice.h"),
                "--report", os.path.join(out, "slice.json")]
        if cache:
            argv += ["--cache", cache]
        so, se = io.StringIO(), io.StringIO()
        real = ks_index.scan_source
        scanned = []

        def counting(src):
            scanned.append(src.rel)
            return real(src)
        with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
            ks_index.scan_source = counting
            try:
                rc = ks.main(argv)
            finally:
                ks_index.scan_source = real
        files = {}
        for fn in ("slice.c", "slice.h", "slice.json"):
            p = os.path.join(out, fn)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    files[fn] = f.read()
        return (rc, so.getvalue(), files), se.getvalue(), len(scanned)

    def entries(self):
        d = os.path.join(self.cache, scancache.KIND)
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def kernel_copy(self):
        """A scratch copy of a cached tree's arch/x86/kvm (outside the
        repository), or SKIP."""
        for name in TREES:
            tree = os.path.join(trees_dir(), name)
            if os.path.isfile(os.path.join(tree, KVM, "x86.c")):
                break
        else:
            self.skipTest(f"no kernel tree ({', '.join(TREES)}) under "
                          f"{trees_dir()}: ./kvm-x86-sim setup fetches "
                          "them")
        root = os.path.join(self.tmp.name, "linux")
        shutil.copytree(os.path.join(tree, KVM), os.path.join(root, KVM))
        return root

    def test_kernel_tree_cold_warm_and_one_file_changed(self):
        root = self.kernel_copy()
        nfiles = len(ks_index.list_sources(os.path.join(root, KVM)))
        ref, _, n = self.slice(root, SPEC, None, "ref")
        self.assertEqual(n, nfiles, "without a cache: each file once")
        self.assertIn("slice.c", ref[2], ref)
        forget_scans()
        cold, _, n = self.slice(root, SPEC, self.cache, "cold")
        self.assertEqual(cold, ref)
        self.assertEqual(n, nfiles)
        self.assertEqual(len(self.entries()), nfiles)
        forget_scans()                  # a new process: the disk only
        disk, _, n = self.slice(root, SPEC, self.cache, "disk")
        self.assertEqual(disk, ref)
        self.assertEqual(n, 0)
        warm, _, n = self.slice(root, SPEC, self.cache, "warm")
        self.assertEqual(warm, ref)
        self.assertEqual(n, 0)
        # one file changed: every offset after the new line moves, so a
        # stale scan of it would cut the wrong text
        x86 = os.path.join(root, KVM, "x86.c")
        with open(x86, "rb") as f:
            old = f.read()
        with open(x86, "wb") as f:
            f.write(b"/* the scan cache test */\n" + old)
        changed, _, n = self.slice(root, SPEC, self.cache, "changed")
        self.assertEqual(n, 1, "only the changed file is scanned")
        self.assertEqual(len(self.entries()), nfiles + 1)
        forget_scans()
        fresh, _, n = self.slice(root, SPEC, None, "fresh")
        self.assertEqual(changed, fresh)
        self.assertNotEqual(changed[2]["slice.c"], ref[2]["slice.c"])
        # and back: the old content's scan is still there
        with open(x86, "wb") as f:
            f.write(old)
        again, _, n = self.slice(root, SPEC, self.cache, "again")
        self.assertEqual((again, n), (ref, 0))

    def toy(self):
        t = self.tree({"a.c": """
            #define TOY_ONE 1
            #ifdef CONFIG_TOY
            static int toy_b(int x)
            {
            #else
            static int toy_a(int x)
            {
            #endif
            \treturn x + TOY_ONE;
            }

            int toy_main(void)
            {
            \treturn toy_a(2);
            }
            """, "b.h": "#define TOY_TWO 2\n"})
        spec = os.path.join(t.tmp.name, "spec")
        with open(spec, "w") as f:
            f.write("fn toy_main\nfn toy_a\nfn toy_b\nmacro TOY_ONE\n")
        return t, spec

    def test_names_do_not_key_a_scan(self):
        """One scan of a file serves every set of wanted names, as a
        scan for those names alone would find them."""
        t, _ = self.toy()
        with open(os.path.join(t.root, KVM, "a.c")) as f:
            src = ks.SourceFile(t.root, f"{KVM}/a.c", f.read())
        for fns, macros in (({"toy_b"}, set()), ({"toy_a"}, set()),
                            ({"toy_a", "toy_b", "toy_main"}, {"TOY_ONE"}),
                            (set(), {"TOY_ONE"}), (set(), set())):
            want = [(d.kind, d.name, d.start, d.end, d.path, d.body)
                    for d in ks.scan_file(src, ks.word_re(fns), macros)]
            got = [(d.kind, d.name, d.start, d.end, d.path, d.body)
                   for d in ks_index.file_definitions(src, fns, macros)]
            self.assertEqual(got, want, (fns, macros))
        # the #else branch's header is not a definition of its own once
        # the #if branch's is wanted: the first branch wins
        self.assertEqual([d.name for d in ks_index.file_definitions(
            src, {"toy_a", "toy_b"}, ())], ["toy_b"])

    def test_damaged_entry_is_scanned_again(self):
        t, spec = self.toy()
        ref, _, n = self.slice(t.root, spec, self.cache, "ref")
        self.assertEqual((ref[0], n), (0, 2))
        ents = self.entries()
        self.assertEqual(len(ents), 2)
        for k, damage in enumerate((b"", b"{}\n[]", None)):
            path = os.path.join(self.cache, scancache.KIND, ents[0])
            with open(path, "rb") as f:
                data = f.read()
            with open(path, "wb") as f:
                # emptied; a wrong first line; the payload edited
                f.write(damage if damage is not None else
                        data.replace(b'"D"', b'"O"', 1))
            forget_scans()
            got, err, n = self.slice(t.root, spec, self.cache, f"d{k}")
            self.assertEqual(got, ref)
            self.assertEqual(n, 1, err)
            self.assertIn("was damaged", err)
            self.assertIn("scanned again", err)
        # repaired on the way: the next run reads both from disk
        forget_scans()
        got, err, n = self.slice(t.root, spec, self.cache, "after")
        self.assertEqual((got, err, n), (ref, "", 0))

    def test_no_cache_dir_writes_nothing(self):
        t, spec = self.toy()
        before = sorted(os.listdir(t.tmp.name))
        self.slice(t.root, spec, None, "nodisk")
        self.assertFalse(os.path.exists(self.cache))
        self.assertEqual(sorted(os.listdir(t.tmp.name)), before)


if __name__ == "__main__":
    unittest.main()
