# Test discovery: every tests/<module>/test_*.c is one cmocka program, every
# tests/cli/*.sh one black-box script run against the built binary.  Adding a
# test is adding a file.

# TESTPUMP_VALGRIND=ON (make valgrind, a build without sanitizers): every
# unit test program and every testpump the scripts start run under valgrind
# memcheck (tests/valgrind/vg.sh); an error or a definite leak fails the
# test.  TP_BIN is what the scripts get as $TESTPUMP.
option(TESTPUMP_VALGRIND "Run the tests under valgrind memcheck" OFF)
set(TP_BIN $<TARGET_FILE:testpump>)
set(VG_PREFIX "")
if(TESTPUMP_VALGRIND)
  set(VG_PREFIX ${CMAKE_SOURCE_DIR}/tests/valgrind/vg.sh)
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/vg-logs)
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/testpump-vg
       CONTENT "#!/bin/sh\nVG_LOGS=${CMAKE_BINARY_DIR}/vg-logs exec ${VG_PREFIX} $<TARGET_FILE:testpump> \"$@\"\n"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                        GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  set(TP_BIN ${CMAKE_BINARY_DIR}/testpump-vg)
endif()
file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/*/test_*.c)
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  get_filename_component(dir ${src} DIRECTORY)
  get_filename_component(module ${dir} NAME)
  set(target ${module}_${name})
  add_executable(${target} ${src})
  target_link_libraries(${target} PRIVATE testpump_lib PkgConfig::CMOCKA)
  add_test(NAME ${module}/${name} COMMAND ${VG_PREFIX} $<TARGET_FILE:${target}>)
  set_tests_properties(${module}/${name} PROPERTIES
    ENVIRONMENT "FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures;SRCDIR=${CMAKE_SOURCE_DIR};VG_LOGS=${CMAKE_BINARY_DIR}/vg-logs"
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endforeach()

file(GLOB CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/test_*.sh)
foreach(script ${CLI_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli/${name} COMMAND bash ${script})
  set_tests_properties(cli/${name} PROPERTIES
    ENVIRONMENT "TESTPUMP=${TP_BIN};SRCDIR=${CMAKE_SOURCE_DIR};FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures")
endforeach()

file(GLOB CLI_PY_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/test_*.py)
foreach(script ${CLI_PY_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli/${name} COMMAND python3 ${script})
  set_tests_properties(cli/${name} PROPERTIES
    ENVIRONMENT "TESTPUMP=${TP_BIN};SRCDIR=${CMAKE_SOURCE_DIR};FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures")
endforeach()

# libFuzzer harnesses (clang): each is built and run for 24 s here (about
# two minutes in all; `make fuzz` runs them 5 minutes each) over a corpus
# of real files; a crash, leak, hang or sanitizer report fails the test.
# All but junit link one clang build of the library, made once in
# fuzz-lib/ by the first of them to run.
foreach(harness junit testrail history config args)
  add_test(NAME fuzz/${harness}
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fuzz/run-fuzz.sh ${harness})
  set_tests_properties(fuzz/${harness} PROPERTIES TIMEOUT 900
    ENVIRONMENT "SRCDIR=${CMAKE_SOURCE_DIR};FUZZ_SECONDS=24;FUZZ_BUILD=${CMAKE_BINARY_DIR}/fuzz-lib")
endforeach()

# Fault tests (tests/fault/): resource faults always; the crash test only
# in builds with the kill-after-N-writes hook (-DTESTPUMP_FAULTS=ON, as
# `make check` builds).
file(GLOB FAULT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fault/test_*.sh
     ${CMAKE_SOURCE_DIR}/tests/fault/test_*.py)
foreach(script ${FAULT_TESTS})
  get_filename_component(name ${script} NAME_WE)
  get_filename_component(ext ${script} LAST_EXT)
  if(name STREQUAL "test_crash" AND NOT TESTPUMP_FAULTS)
    continue()
  endif()
  if(ext STREQUAL ".py")
    add_test(NAME fault/${name} COMMAND python3 ${script})
  else()
    add_test(NAME fault/${name} COMMAND bash ${script})
  endif()
  set_tests_properties(fault/${name} PROPERTIES TIMEOUT 900
    ENVIRONMENT "TESTPUMP=${TP_BIN};SRCDIR=${CMAKE_SOURCE_DIR};FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures")
endforeach()

# The dashboard in headless Chromium (tests/browser/run.sh): every page
# served by `testpump serve` over the demo data; screenshots are kept in
# browser-artifacts/ of the build directory.
add_test(NAME browser/dashboard
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/browser/run.sh)
set_tests_properties(browser/dashboard PROPERTIES
  ENVIRONMENT "TESTPUMP=${TP_BIN};SRCDIR=${CMAKE_SOURCE_DIR};ARTIFACTS=${CMAKE_BINARY_DIR}/browser-artifacts;NODE_PREFIX=${CMAKE_BINARY_DIR}/browser-node"
  TIMEOUT 600)
