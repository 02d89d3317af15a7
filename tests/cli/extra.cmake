# Tests of the luxc program itself: usage errors and machine-readable output.
add_executable(cli_bench_json_check ${CMAKE_SOURCE_DIR}/tests/cli/bench_json_check.c)
target_compile_options(cli_bench_json_check PRIVATE ${LUXC_WARN})
target_link_libraries(cli_bench_json_check PRIVATE PkgConfig::LUXC_CJSON)

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
add_test(NAME cli_bench_bad_count COMMAND ${LUXC_CLI} bench --count 0)
set_tests_properties(cli_bench_bad_count PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_bench_bad_count_text COMMAND ${LUXC_CLI} bench --count 101)
set_tests_properties(cli_bench_bad_count_text PROPERTIES
  PASS_REGULAR_EXPRESSION "--count wants a whole number in \\[1, 100\\], got '101'")
# --count 3: three Go lines for the one benchmark, and a median table.
add_test(NAME cli_bench_count
  COMMAND sh -c "out=$(\"$0\" bench --filter '^Sigmoid$' --count 3 --time 0.05) || exit 1; \
    test \"$(printf '%s\\n' \"$out\" | grep -c '^BenchmarkSigmoid-')\" = 3 || exit 1; \
    printf '%s\\n' \"$out\" | grep -q 'median ns/op'"
  ${LUXC_CLI})
add_test(NAME cli_bench_help COMMAND ${LUXC_CLI} bench --help)
set_tests_properties(cli_bench_help PROPERTIES PASS_REGULAR_EXPRESSION "--filter REGEX")
# A short run of every benchmark must yield well-formed JSON naming the
# required cases (only in builds that count allocations). The names are the
# ones the issues fix: the nine reference rows, consensus, crypto, transport.
set(LUXC_BENCH_REQUIRED "UpdateChain GetState ShouldUpgrade ConcurrentAccess OrthogonalProcessing SimpleModelDecide SimpleModelLearn FeatureExtraction Sigmoid SigmoidBatch RecordPoll AddBlock CertVerifyFake SimRound MLKEM768Keygen MLKEM768Encaps MLKEM768Decaps MLDSA65Sign MLDSA65Verify Handshake Record1KiB")
if(NOT LUXC_SANITIZE AND NOT LUXC_FUZZ)
  # pipefail: a bench run that exits non-zero fails the test even when
  # the JSON it printed before is well formed
  add_test(NAME cli_bench_json
    COMMAND bash -c "set -o pipefail; \"$0\" bench --json --time 0.01 | \"$1\" $2"
            ${LUXC_CLI} $<TARGET_FILE:cli_bench_json_check> "${LUXC_BENCH_REQUIRED}")
  set_tests_properties(cli_bench_json PROPERTIES TIMEOUT 600)
endif()
# the checker refuses a benchmark marked "failed" (its self-check failed)
add_test(NAME cli_bench_json_check_refuses_failed
  COMMAND sh -c "echo '[{\"name\":\"X\",\"iterations\":1,\"ns_per_op\":1,\"bytes_per_op\":0,\"allocs_per_op\":0,\"failed\":true}]' | \"$0\" 2>/dev/null && exit 1; \
    echo '[{\"name\":\"X\",\"iterations\":1,\"ns_per_op\":1,\"bytes_per_op\":0,\"allocs_per_op\":0}]' | \"$0\""
  $<TARGET_FILE:cli_bench_json_check>)

# keygen: creates, then refuses to overwrite.
add_test(NAME cli_keygen_and_refuse
  COMMAND sh -c "d=$(mktemp -d) && \"$0\" keygen --out \"$d/k\" >/dev/null && \
    test \"$(stat -c %a \"$d/k/validator.key\")\" = 600 && \
    ! \"$0\" keygen --out \"$d/k\" 2>\"$d/err\" && grep -q 'refusing to overwrite' \"$d/err\"; \
    rc=$?; rm -rf \"$d\"; exit $rc" ${LUXC_CLI})
add_test(NAME cli_keygen_needs_out COMMAND ${LUXC_CLI} keygen)
set_tests_properties(cli_keygen_needs_out PROPERTIES WILL_FAIL TRUE)

# Local networks of real node processes (luxc devnet): agreement, crash
# recovery with kill -9, and Byzantine validators below 1/3 of stake.
add_executable(cli_json_expect ${CMAKE_SOURCE_DIR}/tests/cli/json_expect.c)
target_compile_options(cli_json_expect PRIVATE ${LUXC_WARN})
target_link_libraries(cli_json_expect PRIVATE PkgConfig::LUXC_CJSON)
function(luxc_devnet_test name args)
  # remaining arguments: conditions on the JSON summary (see json_expect.c)
  add_test(NAME ${name}
    COMMAND sh -c "exe=\"$0\"; chk=\"$1\"; shift; \"$exe\" devnet ${args} --json | \"$chk\" \"$@\""
            ${LUXC_CLI} $<TARGET_FILE:cli_json_expect> ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
endfunction()
luxc_devnet_test(cli_devnet_agreement "--nodes 3 --blocks 60"
  safety_violations=0 blocks_finalized>=60 heights_compared>=60 heights_shared>=60
  stores_opened=3 store_open_errors=0 read_errors=0 node_crashes=0)
# a node that crashes (SIGSEGV) fails the run and shows in --json
add_test(NAME cli_devnet_node_crash
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/devnet_crash_test.sh ${LUXC_CLI}
          $<TARGET_FILE:cli_json_expect>)
set_tests_properties(cli_devnet_node_crash PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
luxc_devnet_test(cli_devnet_crash_recovery "--nodes 4 --seconds 8 --kill-every 1200"
  safety_violations=0 kills>=3 blocks_finalized>=30)
luxc_devnet_test(cli_devnet_byzantine_equivocate "--nodes 4 --seconds 5 --byzantine equivocate"
  safety_violations=0 blocks_finalized>=20 equivocations_seen>=1)
luxc_devnet_test(cli_devnet_byzantine_random "--nodes 4 --seconds 5 --byzantine random"
  safety_violations=0 blocks_finalized>=20)
luxc_devnet_test(cli_devnet_byzantine_silent "--nodes 4 --seconds 5 --byzantine silent"
  safety_violations=0 blocks_finalized>=10)
# Chaos on real processes for 60 s: kill -9 one node, kill -9 all, SIGSTOP
# one for 1-3 s, 4-6 s of calm after each. With 3 equal stakes every node
# is needed for a certificate, so each perturbation stalls the network; the
# bound is on how long. Sanitizer builds run every node ~3x slower.
if(LUXC_SANITIZE)
  set(LUXC_CHAOS_STALL_MS 10000)
else()
  set(LUXC_CHAOS_STALL_MS 5000)
endif()
luxc_devnet_test(cli_devnet_chaos "--nodes 3 --seconds 60 --chaos"
  safety_violations=0 perturbations>=5 kill_alls>=1 pauses>=1 blocks_finalized>=100
  longest_stall_ms<${LUXC_CHAOS_STALL_MS})
# the checker's own comparisons (strict and not)
add_test(NAME cli_json_expect_compare
  COMMAND sh -c "echo '{\"a\":5,\"b\":true}' | \"$0\" 'a<=5' 'a>=5' 'a=5' 'a>4' 'a<6' 'b==true' && \
    ! echo '{\"a\":5}' | \"$0\" 'a<5' 2>/dev/null && ! echo '{\"a\":5}' | \"$0\" 'a>5' 2>/dev/null && \
    ! echo '{\"a\":5}' | \"$0\" 'c>=0' 2>/dev/null"
  $<TARGET_FILE:cli_json_expect>)

# luxc testnet: folders for several machines (tests/cli/testnet_test.sh):
# layout, modes, genesis addresses, luxc node --check on each folder,
# systemd-analyze verify on each unit, error paths, and the folders running
# as 4 validators on loopback.
add_test(NAME cli_testnet
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/testnet_test.sh ${LUXC_CLI}
          $<TARGET_FILE:cli_json_expect>)
set_tests_properties(cli_testnet PROPERTIES LABELS "cli" TIMEOUT 120 RUN_SERIAL TRUE)
add_test(NAME cli_testnet_help COMMAND ${LUXC_CLI} testnet --help)
set_tests_properties(cli_testnet_help PROPERTIES PASS_REGULAR_EXPRESSION "--hosts LIST")
add_test(NAME cli_help_lists_testnet COMMAND ${LUXC_CLI} --help)
set_tests_properties(cli_help_lists_testnet PROPERTIES PASS_REGULAR_EXPRESSION "testnet +write genesis")

# --json stays valid JSON when the work folder's name holds `"` and `\`.
add_test(NAME cli_devnet_json_quoted_dir
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/devnet_quoted_dir.sh ${LUXC_CLI}
          $<TARGET_FILE:cli_json_expect>)
set_tests_properties(cli_devnet_json_quoted_dir PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
