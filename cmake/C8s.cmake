# c8s_library(NAME <target> SOURCES ... DEPS ...): one static library per lib/<name>/ folder.
function(c8s_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(${A_NAME} STATIC ${A_SOURCES})
  target_include_directories(${A_NAME} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(${A_NAME} PUBLIC ${A_DEPS})
endfunction()

# c8s_test(NAME <name> SOURCES ... DEPS ... LABELS unit;crypto [TIMEOUT s]):
# one Catch2 binary, one CTest entry carrying the labels (kind + area).
function(c8s_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT C8S_BUILD_TESTS)
    return()
  endif()
  add_executable(${A_NAME} ${A_SOURCES})
  set_target_properties(${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} c8s_test_support Catch2::Catch2WithMain)
  add_test(NAME ${A_NAME} COMMAND ${A_NAME} --reporter console --colour-mode none
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  # Exit code 4 is Catch2's "every test case skipped": a skip, unless C8S_REQUIRE_PRIVILEGED
  # turns skips into failures (test/support/privileged.h).
  set_tests_properties(${A_NAME} PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT}
                       SKIP_RETURN_CODE 4
                       ENVIRONMENT "C8S_SOURCE_DIR=${CMAKE_SOURCE_DIR};C8S_BINARY_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# c8s_fuzz(NAME <fuzz_name> SOURCES ... DEPS ... CORPUS <dir>): a libFuzzer target, built only
# with C8S_BUILD_FUZZ; the seed corpus is checked in under fuzz/corpus/<name>/.
function(c8s_fuzz)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  if(NOT C8S_BUILD_FUZZ)
    return()
  endif()
  add_executable(fuzz_${A_NAME} ${A_SOURCES})
  target_link_libraries(fuzz_${A_NAME} PRIVATE ${A_DEPS})
  target_link_options(fuzz_${A_NAME} PRIVATE -fsanitize=fuzzer)
  set_target_properties(fuzz_${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
endfunction()

# c8s_bench(NAME <name> SOURCES ... DEPS ...): build/bin/c8s-bench-<name>.
function(c8s_bench)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  if(NOT C8S_BUILD_BENCH)
    return()
  endif()
  add_executable(c8s-bench-${A_NAME} ${A_SOURCES})
  target_link_libraries(c8s-bench-${A_NAME} PRIVATE ${A_DEPS})
endfunction()
