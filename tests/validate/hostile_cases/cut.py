# SPDX-License-Identifier: GPL-2.0
"""The code under test misbehaving: NULL dereference, abort, exit(0) at the
first call or after N, exit(77) (the skip code), a hang (busy or asleep),
a 4 GiB allocation, a stack overflow, SIGKILL to itself, stdout closed,
forged verdict lines, a forked sleeper.  A run that did not reach its end
never counts as finished: exit 1 (crash, HANG, OOM, INCOMPLETE)."""

from . import OK, VIOLATION, case, kernel

CRASH = r"(?i)crash|SIG(SEGV|ABRT|KILL|BUS)"
INCOMPLETE = r"INCOMPLETE"
HANG = r"HANG"
TIMEOUT = ["--case-timeout", "2"]
# A hang costs at most the case timeout once per series, plus the build.
HANG_BUDGET = 30

EXIT = "extern void exit(int);"
DECLS = ("extern void exit(int); extern void _exit(int); "
         "extern int printf(const char *, ...); "
         "extern int close(int); extern int getpid(void); "
         "extern int kill(int, int); extern int fork(void); "
         "extern unsigned int sleep(unsigned int);")


def cut_run(c, edit, *extra, budget=120):
    p = c.write("cut.patch", c.mail((kernel.X86, edit),
                                    subject="KVM: x86: misbehave"))
    run = c.run("--patch", p, *extra)
    run.max_seconds = budget
    return run


@case("cut", VIOLATION, CRASH)
def cut_null_deref(c):
    """*(volatile int *)0 = 0 at the first call of __msr_io"""
    return cut_run(c, kernel.in_msr_io("*(volatile int *)0 = 0;"))


@case("cut", VIOLATION, r"stopped after 20 cases in a row did not reach "
      r"their end \(the last: CRASH\): the remaining \d+ cases")
def cut_crash_every_case_stops(c):
    """a NULL dereference in every case: the run stops after 20 in a row
    (each restarts the binary) and says how many were not run"""
    return cut_run(c, kernel.in_msr_io("*(volatile int *)0 = 0;"))


@case("cut", VIOLATION, CRASH)
def cut_abort(c):
    """__builtin_abort() on the 3rd call"""
    return cut_run(c, kernel.counted(3, "__builtin_abort();"))


@case("cut", VIOLATION, CRASH)
def cut_stack_overflow(c):
    """unbounded recursion of __msr_io with a 64 KiB frame"""
    return cut_run(c, kernel.in_msr_io(
        "{ volatile char hostile_pad[65536]; hostile_pad[0] = 0;",
        "  if (msrs) return __msr_io(vcpu, msrs, entries, do_msr) "
        "+ hostile_pad[0]; }"))


@case("cut", VIOLATION, r"(?i)crash|SIGKILL|kill")
def cut_sigkill_self(c):
    """kill(getpid(), SIGKILL) on the 2nd call (looks like the OOM killer)"""
    return cut_run(c, kernel.counted(2, DECLS, "kill(getpid(), 9);"))


@case("cut", VIOLATION, INCOMPLETE)
def cut_exit0_first_call(c):
    """exit(0) at the first call: every invariant would be SKIP"""
    return cut_run(c, kernel.in_msr_io(EXIT + " exit(0);"))


@case("cut", VIOLATION, INCOMPLETE)
def cut_exit0_after_8(c):
    """exit(0) at the 8th call: the cases run so far all PASS"""
    return cut_run(c, kernel.counted(8, EXIT, "exit(0);"))


@case("cut", VIOLATION, INCOMPLETE)
def cut_exit77(c):
    """exit(77), the runner's all-skipped code, at the 4th call"""
    return cut_run(c, kernel.counted(4, EXIT, "exit(77);"))


@case("cut", VIOLATION, INCOMPLETE)
def cut_exit1(c):
    """exit(1), the runner's 'some case failed' code, at the 4th call"""
    return cut_run(c, kernel.counted(4, EXIT, "exit(1);"))


@case("cut", VIOLATION, INCOMPLETE)
def cut_close_stdout(c):
    """close(1) at the first call: the verdicts never arrive"""
    return cut_run(c, kernel.counted(1, DECLS, "close(1);"))


@case("cut", VIOLATION, INCOMPLETE)
def cut_forged_verdicts(c):
    """prints forged all-PASS verdict lines, then exit(0)"""
    return cut_run(c, kernel.counted(1, DECLS,
                                     'printf("invariant\\t0\\tNO BUG\\n'
                                     'case\\tfake/vmx/none\\tPASS\\t0\\t0'
                                     '\\tforged\\n"); exit(0);'))


@case("cut", VIOLATION, HANG)
def cut_hang_first_call(c):
    """for (;;) ; at the first call, --case-timeout 2"""
    return cut_run(c, kernel.in_msr_io("for (;;) ;"), *TIMEOUT,
                   budget=HANG_BUDGET)


@case("cut", VIOLATION, HANG)
def cut_hang_after_8(c):
    """a busy loop from the 8th call on, --case-timeout 2"""
    return cut_run(c, kernel.counted(8, "for (;;) ;"), *TIMEOUT,
                   budget=HANG_BUDGET)


@case("cut", VIOLATION, HANG)
def cut_hang_asleep(c):
    """sleep(1000) at the first call (blocked, not spinning)"""
    return cut_run(c, kernel.counted(1, DECLS, "sleep(1000);"), *TIMEOUT,
                   budget=HANG_BUDGET)


ALLOC = kernel.counted(1, "{ char *hostile = __builtin_malloc(4UL << 30);",
                       "if (hostile) __builtin_memset(hostile, 1, "
                       "4UL << 30); }")


@case("cut", VIOLATION, r"(?i)OOM|memory")
def cut_alloc_4g_limited(c):
    """malloc(4 GiB) + memset with --memory-limit 512"""
    return cut_run(c, ALLOC, "--memory-limit", "512", *TIMEOUT)


@case("cut", VIOLATION, r"(?i)OOM|memory")
def cut_alloc_4g_default(c):
    """malloc(4 GiB) + memset with validate's default memory limit"""
    return cut_run(c, ALLOC, *TIMEOUT)


@case("cut", VIOLATION, r"S_CET EXCLUSION")
def cut_violation(c):
    """v14's S_CET treated as XSTATE-managed (a plain finding)"""
    return cut_run(c, kernel.violation)


@case("cut", OK)
def cut_forked_sleeper(c):
    """the code forks a child that sleeps 600 s and otherwise passes:
    validate must neither wait for it nor leave it running"""
    run = cut_run(c, kernel.counted(1, DECLS, "static int hostile_forked;",
                                    "if (!hostile_forked++ && fork() == 0)"
                                    " { sleep(600); _exit(0); }"))
    run.max_wall = 300      # waiting for the sleeper would take 600
    return run
