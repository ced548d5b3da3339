# SPDX-License-Identifier: GPL-2.0
#
# cmake -DEXE=<test binary> -DTREE=<name> -DSKIP=<scenarios> -DOUT=<file>
#       [-DLABEL=<extra label>] -P cmake/DiscoverScenarios.cmake
#
# Run after a tree's test binary is linked (as gtest_discover_tests does):
# asks the binary for its scenario table (--list: name, expected-violation
# mask, summary) and writes the ctest entries, one per scenario, to OUT,
# which ctest includes (TEST_INCLUDE_FILES).
cmake_minimum_required(VERSION 3.21)
execute_process(COMMAND ${EXE} --list OUTPUT_VARIABLE out
	RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "${EXE} --list failed (exit ${rc})")
endif()
string(REPLACE "\n" ";" rows "${out}")
set(tests "")
foreach(row IN LISTS rows)
	if(NOT row MATCHES "^([a-z0-9_]+)\t(0x[0-9a-f]+|0)\t")
		continue()
	endif()
	set(scn ${CMAKE_MATCH_1})
	set(expect ${CMAKE_MATCH_2})
	if(scn IN_LIST SKIP)
		continue()
	endif()
	# the tier (CMakeLists.txt "Tiers"): a matrix tree's are long
	if(LABEL)
		set(labels "${TREE};long;${LABEL}")
	else()
		set(labels "${TREE};quick")
	endif()
	if(NOT expect STREQUAL "0")
		string(APPEND labels ";expected-violation")
	endif()
	string(APPEND tests
		"add_test([=[${TREE}/${scn}]=] [=[${EXE}]=] --scenario ${scn})\n"
		"set_tests_properties([=[${TREE}/${scn}]=] PROPERTIES "
		"LABELS \"${labels}\" SKIP_RETURN_CODE 77)\n")
endforeach()
if(tests STREQUAL "")
	message(FATAL_ERROR "${EXE} --list gave no scenario")
endif()
file(WRITE ${OUT} "${tests}")
