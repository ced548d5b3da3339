# SPDX-License-Identifier: GPL-2.0
#
# Which kernel trees the harness is built against, and how one tree becomes
# a slice, a glue object and a test binary.
#
#   KVM_X86_SIM_KERNEL  a tree of your own (also read from the environment)
#   KVM_X86_SIM_FETCH   fetch and cache Debian's linux-source-6.12 and the
#                       newest linux-source-7.* (scripts/fetch-kernel-trees.sh)
#   KVM_X86_SIM_SEED    the review thread whose patch is applied to 6.12
#                       (default: ../shared/seeds/000_0a8a3d519ea16fbe.txt)

set(KVM_X86_SIM_KERNEL "" CACHE PATH
	"Kernel tree to slice (in addition to the fetched ones)")
# The environment counts on every configure, not only the first one.
set(_kernel "${KVM_X86_SIM_KERNEL}")
if(NOT _kernel AND DEFINED ENV{KVM_X86_SIM_KERNEL})
	set(_kernel "$ENV{KVM_X86_SIM_KERNEL}")
endif()
option(KVM_X86_SIM_FETCH "Fetch and cache Debian's kernel source trees" ON)
# Every linux-source-* tree Debian ships in any suite (fetch-kernel-trees.sh
# all: 6.1, 6.12.x, 7.2.x, 7.3.x, release candidates), each a tree of its
# own labelled "matrix": the long tier (about 150 MB a tree on first use).
option(KVM_X86_SIM_MATRIX "Also build and test every Debian kernel tree" OFF)
set(_seed "${CMAKE_SOURCE_DIR}/../shared/seeds/000_0a8a3d519ea16fbe.txt")
if(NOT EXISTS "${_seed}")
	set(_seed "")
endif()
set(KVM_X86_SIM_SEED "${_seed}" CACHE FILEPATH
	"Seed review thread; its patch is applied to linux-6.12")

set(KVM_X86_SIM_TREE_NAMES "")

if(_kernel)
	if(NOT EXISTS "${_kernel}/arch/x86/kvm/x86.c")
		message(FATAL_ERROR "KVM_X86_SIM_KERNEL=${_kernel}: "
			"no arch/x86/kvm/x86.c there; point it at a kernel tree")
	endif()
	get_filename_component(_k "${_kernel}" ABSOLUTE)
	list(APPEND KVM_X86_SIM_TREE_NAMES custom)
	set(KVM_X86_SIM_TREE_custom "${_k}")
endif()

if(KVM_X86_SIM_FETCH)
	set(_want 6.12 7)
	if(KVM_X86_SIM_MATRIX)
		list(APPEND _want all)
	endif()
	execute_process(
		COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/fetch-kernel-trees.sh
			${_want}
		OUTPUT_VARIABLE _trees RESULT_VARIABLE _rc)
	if(NOT _rc EQUAL 0)
		message(FATAL_ERROR "fetching the Debian kernel trees failed "
			"(exit ${_rc}); set -DKVM_X86_SIM_FETCH=OFF and "
			"-DKVM_X86_SIM_KERNEL=<tree> to use your own tree")
	endif()
	string(REPLACE "\n" ";" _trees "${_trees}")
	set(_paths "")
	foreach(line IN LISTS _trees)
		if(line MATCHES "^([0-9][0-9A-Za-z.-]*) (.+)$")
			set(_name "linux-${CMAKE_MATCH_1}")
			# the matrix holds the default trees again, by version
			if("${CMAKE_MATCH_2}" IN_LIST _paths)
				continue()
			endif()
			list(APPEND _paths "${CMAKE_MATCH_2}")
			list(APPEND KVM_X86_SIM_TREE_NAMES ${_name})
			set(KVM_X86_SIM_TREE_${_name} "${CMAKE_MATCH_2}")
			if(NOT CMAKE_MATCH_1 MATCHES "^(6[.]12|7)$")
				set(KVM_X86_SIM_TREE_LABEL_${_name} matrix)
			endif()
		endif()
	endforeach()
endif()

if(NOT KVM_X86_SIM_TREE_NAMES)
	message(FATAL_ERROR "no kernel tree: enable KVM_X86_SIM_FETCH or set "
		"KVM_X86_SIM_KERNEL")
endif()

# 6.12 with the seed patch: a patched copy of just arch/x86/kvm, made at
# build time, so the cached tree stays pristine.
if(KVM_X86_SIM_SEED AND DEFINED KVM_X86_SIM_TREE_linux-6.12)
	set(_dst "${CMAKE_BINARY_DIR}/trees/linux-6.12-seed")
	add_custom_command(OUTPUT ${_dst}/.patched
		COMMAND ${CMAKE_COMMAND} -E rm -rf ${_dst}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${_dst}/arch/x86
		COMMAND ${CMAKE_COMMAND} -E copy_directory
			${KVM_X86_SIM_TREE_linux-6.12}/arch/x86/kvm
			${_dst}/arch/x86/kvm
		COMMAND patch -p1 -s -d ${_dst} -i ${KVM_X86_SIM_SEED}
		COMMAND ${CMAKE_COMMAND} -E touch ${_dst}/.patched
		DEPENDS ${KVM_X86_SIM_SEED}
		COMMENT "Applying the seed patch to a copy of linux-6.12")
	list(APPEND KVM_X86_SIM_TREE_NAMES linux-6.12-seed)
	set(KVM_X86_SIM_TREE_linux-6.12-seed "${_dst}")
	set(KVM_X86_SIM_TREE_DEPS_linux-6.12-seed ${_dst}/.patched)
elseif(DEFINED KVM_X86_SIM_TREE_linux-6.12)
	# a clone without ../shared beside it: the seed check says how
	add_test(NAME linux-6.12-seed/seed_caught_scet_exclusion
		COMMAND sh -c "echo 'SKIP: no seed review thread (../shared/seeds/ is not beside the clone): ./kvm-x86-sim setup --seed FILE'; exit 77")
	set_tests_properties(linux-6.12-seed/seed_caught_scet_exclusion
		PROPERTIES LABELS "linux-6.12-seed;seed" SKIP_RETURN_CODE 77)
endif()

# One tree: slice it, compile the slice into the glue, link a test binary,
# and register one ctest per scenario (labelled with the tree's name).
function(kvm_x86_sim_add_tree name path)
	set(dir ${CMAKE_BINARY_DIR}/slice/${name})
	set(spec ${CMAKE_SOURCE_DIR}/slice/kvm_msr.spec)
	set(slicer ${CMAKE_SOURCE_DIR}/scripts/kvm_slice.py)
	file(GLOB slicer_pkg CONFIGURE_DEPENDS
		${CMAKE_SOURCE_DIR}/scripts/kvm_slice/*.py)
	# The spec's `provided` headers (among the harness's include
	# directories) bound what the slice follows into.
	set(provided "")
	foreach(d IN LISTS KVM_X86_SIM_INCLUDE_DIRS)
		file(GLOB_RECURSE hdrs CONFIGURE_DEPENDS
			${CMAKE_SOURCE_DIR}/${d}/*.h)
		list(APPEND provided ${hdrs})
	endforeach()
	# The slicer compiles the slice as the glue will (syntax only): what
	# the stubs lack it takes from the tree's headers, what still does
	# not build it leaves out and names (slice.txt: UNBUILT).
	set(check_cc ${CMAKE_C_COMPILER} -std=gnu${CMAKE_C_STANDARD}
		${KVM_X86_SIM_SLICE_CFLAGS})
	foreach(d IN LISTS KVM_X86_SIM_INCLUDE_DIRS)
		list(APPEND check_cc -I${CMAKE_SOURCE_DIR}/${d})
	endforeach()
	list(APPEND check_cc -I${CMOCKA_INCLUDE_DIR})
	add_custom_command(
		OUTPUT ${dir}/slice.c ${dir}/slice.h
		COMMAND ${Python3_EXECUTABLE} ${slicer} --tree ${path}
			--spec ${spec} --out-c ${dir}/slice.c
			--out-h ${dir}/slice.h --report ${dir}/slice.json
			--check-glue ${CMAKE_SOURCE_DIR}/${KVM_X86_SIM_GLUE_SOURCE}
			--check-cc ${check_cc}
			> ${dir}/slice.txt
		DEPENDS ${spec} ${slicer} ${slicer_pkg} ${provided}
			${CMAKE_SOURCE_DIR}/${KVM_X86_SIM_GLUE_SOURCE}
			${KVM_X86_SIM_TREE_DEPS_${name}}
		COMMENT "Slicing ${name} (${path})")
	file(MAKE_DIRECTORY ${dir})
	set(SLICE_DIR ${dir})
	set(GLUE ${CMAKE_SOURCE_DIR}/${KVM_X86_SIM_GLUE_SOURCE})
	configure_file(${CMAKE_SOURCE_DIR}/${KVM_X86_SIM_GLUE_TEMPLATE}
		${dir}/glue.c @ONLY)
	set_source_files_properties(${dir}/glue.c PROPERTIES
		OBJECT_DEPENDS "${dir}/slice.c;${dir}/slice.h")

	set(exe kvm_x86_sim_tests_${name})
	add_executable(${exe} ${KVM_X86_SIM_CMOCKA_RUNNER} ${dir}/glue.c)
	target_include_directories(${exe} PRIVATE runner)
	target_include_directories(${exe} PRIVATE ${CMOCKA_INCLUDE_DIR})
	target_link_libraries(${exe} PRIVATE kvm_x86_sim_scenarios kvm_x86_sim
		${CMOCKA_LIBRARY})
	target_compile_options(${exe} PRIVATE ${KVM_X86_SIM_SLICE_CFLAGS})
	target_link_options(${exe} PRIVATE ${KVM_X86_SIM_RUNNER_LDFLAGS})

	# One ctest per scenario of the table, labelled with the tree (and
	# expected-violation for the ones proving an invariant can fail).
	# The seed tree's scet_only_batch must fail: seed_caught_* below.
	set(skip "")
	if(name STREQUAL "linux-6.12-seed")
		set(skip scet_only_batch)
	endif()
	# (a change of the discovery relinks, so that it runs again)
	set_property(TARGET ${exe} APPEND PROPERTY LINK_DEPENDS
		${CMAKE_SOURCE_DIR}/cmake/DiscoverScenarios.cmake)
	add_custom_command(TARGET ${exe} POST_BUILD
		COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:${exe}>
			-DTREE=${name} -DSKIP=${skip}
			-DLABEL=${KVM_X86_SIM_TREE_LABEL_${name}}
			-DOUT=${dir}/ctest_scenarios.cmake
			-P ${CMAKE_SOURCE_DIR}/cmake/DiscoverScenarios.cmake
		VERBATIM)
	file(WRITE ${dir}/ctest_include.cmake
		"if(EXISTS [=[${dir}/ctest_scenarios.cmake]=])\n"
		"  include([=[${dir}/ctest_scenarios.cmake]=])\n"
		"else()\n"
		"  add_test([=[${name}/NOT_BUILT]=] [=[${exe}]=])\n"
		"endif()\n")
	set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES
		${dir}/ctest_include.cmake)
	if(name STREQUAL "linux-6.12-seed")
		# The seed patch must be caught: S_CET EXCLUSION by name; any
		# other violation must be one the review raised.
		add_test(NAME ${name}/seed_caught_scet_exclusion
			COMMAND ${exe} --scenario scet_only_batch
				--expect "S_CET EXCLUSION"
				--expect "ACCESSOR CONTRACT" --expect "ONE_REG")
		set_tests_properties(${name}/seed_caught_scet_exclusion
			PROPERTIES LABELS "${name};seed"
			PASS_REGULAR_EXPRESSION "caught: [0-9]+ case\\(s\\) report S_CET EXCLUSION")
	endif()
endfunction()

# The build description as `kvm-x86-sim validate` reads it: what to compile
# a patched tree's slice with and what to link it against.
# A JSON array of the strings in the list @items, each prefixed by @prefix.
function(kvm_x86_sim_json_array var prefix items)
	set(quoted "")
	foreach(item IN LISTS items)
		list(APPEND quoted "\"${prefix}${item}\"")
	endforeach()
	list(JOIN quoted ", " quoted)
	set(${var} "${quoted}" PARENT_SCOPE)
endfunction()

function(kvm_x86_sim_write_build_description out)
	set(top ${CMAKE_SOURCE_DIR})
	kvm_x86_sim_json_array(incs "${top}/" "${KVM_X86_SIM_INCLUDE_DIRS}")
	if(CMOCKA_INCLUDE_DIR)
		string(APPEND incs ", \"${CMOCKA_INCLUDE_DIR}\"")
	endif()
	kvm_x86_sim_json_array(flags "" "${KVM_X86_SIM_SLICE_CFLAGS}")
	kvm_x86_sim_json_array(runner "${top}/" "${KVM_X86_SIM_CMOCKA_RUNNER}")
	kvm_x86_sim_json_array(ldflags "" "${KVM_X86_SIM_RUNNER_LDFLAGS}")
	set(std "gnu${CMAKE_C_STANDARD}")
	file(GENERATE OUTPUT ${out} CONTENT "{
  \"top\": \"${top}\",
  \"cc\": \"${CMAKE_C_COMPILER}\",
  \"std\": \"${std}\",
  \"slice_cflags\": [${flags}],
  \"include_dirs\": [${incs}],
  \"glue_template\": \"${top}/${KVM_X86_SIM_GLUE_TEMPLATE}\",
  \"glue_source\": \"${top}/${KVM_X86_SIM_GLUE_SOURCE}\",
  \"runner\": [${runner}],
  \"runner_ldflags\": [${ldflags}],
  \"libraries\": [\"$<TARGET_FILE:kvm_x86_sim_scenarios>\", \"$<TARGET_FILE:kvm_x86_sim>\", \"${CMOCKA_LIBRARY}\"],
  \"spec\": \"${top}/slice/kvm_msr.spec\",
  \"slicer\": \"${top}/scripts/kvm_slice.py\"
}
")
endfunction()
