# SPDX-License-Identifier: GPL-2.0
"""Mutation of the sliced kernel code (`kvm-x86-sim mutate`): operators as
rules over the slice's tokens, applied at slice time into one mutant
schemata translation unit; no kernel text is stored."""
