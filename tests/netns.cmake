# Script tests of issue 5 section 4 (network faults) and of `luxc verify`,
# included from the root CMakeLists.txt.
#   cli_verify         luxc verify on stores written by luxc devnet (any user)
#   node_netns_faults  4 validators in network namespaces: delay, 5 % loss,
#                      a minority partition and heal (scripts/netns-test.sh);
#                      needs root, else CTest reports it as skipped (exit 77).
#                      netns_relay (tests/netns/relay.c) stands in for tc netem
#                      on kernels without sch_netem. Normal build only: it
#                      runs real nodes for ~20-60 s.
add_test(NAME cli_verify
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/verify-test.sh $<TARGET_FILE:luxc_cli>)
set_tests_properties(cli_verify PROPERTIES LABELS "cli" TIMEOUT 120)

if(NOT LUXC_SANITIZE AND NOT LUXC_FUZZ)
  add_executable(netns_relay ${CMAKE_SOURCE_DIR}/tests/netns/relay.c)
  target_compile_options(netns_relay PRIVATE ${LUXC_WARN})
  add_test(NAME node_netns_faults
    COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/netns-test.sh $<TARGET_FILE:luxc_cli>
            $<TARGET_FILE:netns_relay>)
  set_tests_properties(node_netns_faults PROPERTIES LABELS "node;netns"
    SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)
endif()
