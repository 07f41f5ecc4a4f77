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
  # Test sources at -O1 below the code under test (the libraries and the processes the tests
  # start, -O2): half the compile time of -O2 on our Catch2 + gRPC test files.
  target_compile_options(${A_NAME} PRIVATE $<$<CONFIG:RelWithDebInfo>:-O1>)
  add_test(NAME ${A_NAME} COMMAND ${A_NAME} --reporter console --colour-mode none
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  # Exit code 4 is Catch2's "every test case skipped": a skip, unless C8S_REQUIRE_PRIVILEGED
  # turns skips into failures (test/support/privileged.h).
  # Privileged tests share global kernel state (bpffs pins, cgroups): never run two at once.
  if("privileged" IN_LIST A_LABELS OR "e2e" IN_LIST A_LABELS)
    set_tests_properties(${A_NAME} PROPERTIES RESOURCE_LOCK c8s_kernel_state)
  endif()
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

# c8s_folder_library(NAME <target> DEPS ... [EXCLUDE regex]): a lib/<name>/ folder as one
# static library: every *.cc except *_test.cc, *_fuzz.cc and *main.cc; and one test binary of
# every *_test.cc with the given LABELS (kind + area). Files named grpc_*.cc are left out: they
# form the <target>_grpc library, built only with C8S_WITH_GRPC, so that sanitizer and fuzz
# builds need no gRPC.
function(c8s_folder_library)
  cmake_parse_arguments(A "" "NAME;TEST_TIMEOUT" "DEPS;GRPC_DEPS;LABELS;TEST_DEPS" ${ARGN})
  file(GLOB all_cc CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_cc "")
  set(grpc_cc "")
  set(test_cc "")
  set(grpc_test_cc "")
  foreach(f ${all_cc})
    get_filename_component(n ${f} NAME)
    if(n MATCHES "_fuzz\\.cc$" OR n MATCHES "main\\.cc$")
      continue()
    elseif(n MATCHES "^grpc_.*_test\\.cc$")
      list(APPEND grpc_test_cc ${f})
    elseif(n MATCHES "_test\\.cc$")
      list(APPEND test_cc ${f})
    elseif(n MATCHES "^grpc_")
      list(APPEND grpc_cc ${f})
    else()
      list(APPEND lib_cc ${f})
    endif()
  endforeach()
  c8s_library(NAME ${A_NAME} SOURCES ${lib_cc} DEPS ${A_DEPS})
  # <what>_fuzz.cc -> build/fuzz/fuzz_<what>, seed corpus in fuzz/corpus/<what>/.
  if(C8S_BUILD_FUZZ)
    file(GLOB fuzz_cc CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_fuzz.cc)
    foreach(f ${fuzz_cc})
      get_filename_component(n ${f} NAME_WE)
      string(REGEX REPLACE "_fuzz$" "" n ${n})
      c8s_fuzz(NAME ${n} SOURCES ${f} DEPS ${A_NAME})
    endforeach()
  endif()
  if(test_cc)
    c8s_test(NAME ${A_NAME}_test SOURCES ${test_cc} DEPS ${A_NAME} ${A_TEST_DEPS}
             LABELS "${A_LABELS}" TIMEOUT "${A_TEST_TIMEOUT}")
  endif()
  if(C8S_WITH_GRPC AND grpc_cc)
    c8s_library(NAME ${A_NAME}_grpc SOURCES ${grpc_cc} DEPS ${A_NAME} ${A_GRPC_DEPS}
                gRPC::grpc++)
    if(grpc_test_cc)
      c8s_test(NAME ${A_NAME}_grpc_test SOURCES ${grpc_test_cc} DEPS ${A_NAME}_grpc ${A_TEST_DEPS}
               LABELS "${A_LABELS}" TIMEOUT "${A_TEST_TIMEOUT}")
    endif()
  endif()
endfunction()
