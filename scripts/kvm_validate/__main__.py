# SPDX-License-Identifier: GPL-2.0
"""``python3 -m kvm_validate`` (from scripts/): the same as
scripts/kvm_validate.py."""

import sys

from .cli import run_from_command_line
from .report import any_locale

any_locale()
sys.exit(run_from_command_line())
