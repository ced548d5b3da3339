# SPDX-License-Identifier: GPL-2.0
"""Where things are: the project's top directory and, inside a kernel tree,
the KVM x86 code's directory."""

import os

# This file is scripts/kvm_validate/paths.py.
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KVM_DIR = "arch/x86/kvm"
