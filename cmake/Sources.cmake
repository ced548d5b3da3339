# SPDX-License-Identifier: GPL-2.0
#
# The one build description: which sources make the harness, where their
# headers are, and how the tree's sliced code is compiled.  CMakeLists.txt
# builds from it; `kvm-x86-sim validate` reads the JSON form CMake writes
# into the build directory (kvm_x86_sim_build.json); kunit/run-kunit.sh gets
# a Kbuild fragment from it (cmake -P cmake/Kbuild.cmake).  Paths are
# relative to the project's top directory.

# The simulated machine and its oracle: libkvm_x86_sim.a
set(KVM_X86_SIM_MACHINE_SOURCES
	kvm_x86_sim/diag.c
	kvm_x86_sim/fpu.c
	kvm_x86_sim/inject.c
	kvm_x86_sim/ioctl.c
	kvm_x86_sim/nested.c
	kvm_x86_sim/observe.c
	kvm_x86_sim/probe.c
	kvm_x86_sim/regfile.c
	kvm_x86_sim/trace.c
	kvm_x86_sim/vmx_svm.c
	kvm_x86_sim/xfd.c
	kvm_x86_sim/xregs.c
	kvm_x86_sim/xsave.c
	oracle/nested.c
	oracle/oracle.c
	oracle/rules.c
	oracle/xfd.c
	oracle/xregs.c
	oracle/xsave.c)
# The scenarios, one source for both runners: libkvm_x86_sim_scenarios.a
set(KVM_X86_SIM_SCENARIO_SOURCES
	scenarios/breaks.c
	scenarios/edge.c
	scenarios/holds.c
	scenarios/nested.c
	scenarios/nested_state.c
	scenarios/reset.c
	scenarios/run.c
	scenarios/selftest.c
	scenarios/smm.c
	scenarios/table.c
	scenarios/xfd.c
	scenarios/xregs.c
	scenarios/xsave.c)
# The exploration (schedules of injections, generated programs): part of
# the scenario library for the C runner, not of the KUnit module (it runs
# thousands of machines per case, a userspace job).
set(KVM_X86_SIM_EXPLORE_SOURCES
	scenarios/explore.c
	scenarios/program.c
	scenarios/program_shrink.c)
# Everything that compiles against the harness's headers finds them here.
set(KVM_X86_SIM_INCLUDE_DIRS
	kvm_x86_sim/include
	oracle
	scenarios
	stubs)
# The per-tree glue: stubs/glue.c around one tree's slice, through this
# template (@SLICE_DIR@: where slice.c/slice.h are; @GLUE@: stubs/glue.c).
set(KVM_X86_SIM_GLUE_TEMPLATE cmake/glue.c.in)
set(KVM_X86_SIM_GLUE_SOURCE stubs/glue.c)
# ... and the parts it includes (.c: the slicer reads only the stubs' .h
# files for the names they provide)
set(KVM_X86_SIM_GLUE_PARTS stubs/glue_nested.c stubs/glue_xfd.c)
# The C runner: cmocka, the summary table, KTAP, the exploration and the
# mutant schemata's runner.
set(KVM_X86_SIM_CMOCKA_RUNNER runner/main.c runner/ktap.c
	runner/explore.c runner/mutant.c runner/limits.c runner/entered.c)
# Its link options: the C allocator is wrapped (runner/ktap.c), so a
# failed malloc() in patched code is an OOM finding like a failed kmalloc().
set(KVM_X86_SIM_RUNNER_LDFLAGS -Wl,--wrap=malloc -Wl,--wrap=calloc
	-Wl,--wrap=realloc)
# Our own code: warnings are ours to fix.
set(KVM_X86_SIM_CFLAGS -Wall -Wextra -Wno-unused-parameter
	-Werror=implicit-function-declaration)
# The kernel's code (the glue with the slice): its own warnings are not
# ours to fix, but a call to something the stubs do not provide must stop
# the build.
# Uninitialised locals of the kernel's code hold a pattern (0xfe bytes),
# not whatever the stack had: a value leaked from one to userspace or the
# guest shows, deterministically (a kernel built without
# CONFIG_INIT_STACK_ALL_ZERO leaks its stack there).
set(KVM_X86_SIM_SLICE_CFLAGS -g -fno-strict-aliasing -Wno-unused
	-Wno-unused-parameter -Werror=implicit-function-declaration
	-Werror=int-conversion -ftrivial-auto-var-init=pattern)
