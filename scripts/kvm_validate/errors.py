# SPDX-License-Identifier: GPL-2.0
"""BadInput: the error that ends validation with exit code 2."""


class BadInput(Exception):
    """Exit 2: the first line is the one-line reason, the rest details."""
