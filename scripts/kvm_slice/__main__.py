# SPDX-License-Identifier: GPL-2.0
"""``python3 -m kvm_slice`` (from scripts/): the same as
scripts/kvm_slice.py."""

import sys

from .cli import main

sys.exit(main())
