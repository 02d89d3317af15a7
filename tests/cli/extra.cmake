# Tests of the luxc program itself: usage errors and machine-readable output.
add_executable(cli_bench_json_check ${CMAKE_SOURCE_DIR}/tests/cli/bench_json_check.c)
target_compile_options(cli_bench_json_check PRIVATE ${LUXC_WARN})
target_link_libraries(cli_bench_json_check PRIVATE PkgConfig::CJSON)

set(LUXC_CLI $<TARGET_FILE:luxc_cli>)
add_test(NAME cli_help COMMAND ${LUXC_CLI} --help)
set_tests_properties(cli_help PROPERTIES PASS_REGULAR_EXPRESSION "bench")
add_test(NAME cli_version COMMAND ${LUXC_CLI} --version)
set_tests_properties(cli_version PROPERTIES PASS_REGULAR_EXPRESSION "^luxc [0-9]+\\.[0-9]+\\.[0-9]+")
add_test(NAME cli_unknown_command COMMAND ${LUXC_CLI} no-such-command)
set_tests_properties(cli_unknown_command PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_bench_bad_time COMMAND ${LUXC_CLI} bench --time -1)
set_tests_properties(cli_bench_bad_time PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_bench_bad_filter COMMAND ${LUXC_CLI} bench --filter "(")
set_tests_properties(cli_bench_bad_filter PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_bench_help COMMAND ${LUXC_CLI} bench --help)
set_tests_properties(cli_bench_help PROPERTIES PASS_REGULAR_EXPRESSION "--filter REGEX")
# A short run of every benchmark must yield well-formed JSON naming the
# required cases (only in builds that count allocations).
if(NOT LUXC_SANITIZE AND NOT LUXC_FUZZ)
  add_test(NAME cli_bench_json
    COMMAND sh -c "\"$0\" bench --json --time 0.01 | \"$1\" $2"
            ${LUXC_CLI} $<TARGET_FILE:cli_bench_json_check> "${LUXC_BENCH_REQUIRED}")
  set_tests_properties(cli_bench_json PROPERTIES TIMEOUT 600)
endif()

# keygen: creates, then refuses to overwrite.
add_test(NAME cli_keygen_and_refuse
  COMMAND sh -c "d=$(mktemp -d) && \"$0\" keygen --out \"$d/k\" >/dev/null && \
    test \"$(stat -c %a \"$d/k/validator.key\")\" = 600 && \
    ! \"$0\" keygen --out \"$d/k\" 2>\"$d/err\" && grep -q 'refusing to overwrite' \"$d/err\"; \
    rc=$?; rm -rf \"$d\"; exit $rc" ${LUXC_CLI})
add_test(NAME cli_keygen_needs_out COMMAND ${LUXC_CLI} keygen)
set_tests_properties(cli_keygen_needs_out PROPERTIES WILL_FAIL TRUE)
