# Test discovery: every tests/<module>/test_*.c is one cmocka program, every
# tests/cli/*.sh one black-box script run against the built binary.  Adding a
# test is adding a file.
file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/*/test_*.c)
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  get_filename_component(dir ${src} DIRECTORY)
  get_filename_component(module ${dir} NAME)
  set(target ${module}_${name})
  add_executable(${target} ${src})
  target_link_libraries(${target} PRIVATE testpump_lib PkgConfig::CMOCKA)
  add_test(NAME ${module}/${name} COMMAND ${target})
  set_tests_properties(${module}/${name} PROPERTIES
    ENVIRONMENT "FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures;SRCDIR=${CMAKE_SOURCE_DIR}"
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endforeach()

file(GLOB CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/test_*.sh)
foreach(script ${CLI_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli/${name} COMMAND bash ${script})
  set_tests_properties(cli/${name} PROPERTIES
    ENVIRONMENT "TESTPUMP=$<TARGET_FILE:testpump>;SRCDIR=${CMAKE_SOURCE_DIR};FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures")
endforeach()

file(GLOB CLI_PY_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/test_*.py)
foreach(script ${CLI_PY_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli/${name} COMMAND python3 ${script})
  set_tests_properties(cli/${name} PROPERTIES
    ENVIRONMENT "TESTPUMP=$<TARGET_FILE:testpump>;SRCDIR=${CMAKE_SOURCE_DIR};FIXTURES=${CMAKE_SOURCE_DIR}/tests/fixtures")
endforeach()

# libFuzzer harnesses (clang): each is built and run for FUZZ_SECONDS
# (default 60) over a corpus of real files; a crash, leak or sanitizer
# report fails the test.
add_test(NAME fuzz/junit COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fuzz/run-fuzz.sh junit)
set_tests_properties(fuzz/junit PROPERTIES
  ENVIRONMENT "SRCDIR=${CMAKE_SOURCE_DIR}" TIMEOUT 300)
