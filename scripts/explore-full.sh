#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# explore-full.sh: the whole exploration of one tree (default linux-7): every
# single injection of every scenario, the long ones included; every pair
# of interruptions of every scenario but the long ones, at any distance;
# 100000 generated programs per vendor for each of seeds 1-3.  ctest runs
# a short one (explore/smoke/*); this takes about a minute on a 2-core
# machine.  Exit 1 if anything was found.
#
#   scripts/explore-full.sh [--tree NAME] [--build DIR]
set -euo pipefail

. "$(dirname "$0")/tree-exe.sh"

rc=0
echo "== every single injection, every scenario"
"$exe" --explore --window 0 --all || rc=1
echo "== every pair of interruptions (any distance), the long scenarios aside"
"$exe" --explore --window 1000000 || rc=1
for seed in 1 2 3; do
	echo "== 100000 generated programs per vendor, seed $seed"
	"$exe" --explore --window 0 --scenario plain_msrs --programs 100000 \
		--seed "$seed" || rc=1
done
exit $rc
