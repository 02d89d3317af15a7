# tests/system/system.cmake - tests of the repository and its products as a
# whole, included from the root CMakeLists.txt.
#   system_self_contained  no tracked file names a path outside the checkout
#   system_layout          tests mirror the tree (tests/<layer>/test_<file>.c
#                          per src/<layer>/<file>.c, or a reason in the
#                          script's ALLOW list) and includes point down the
#                          layers of CMakeLists.txt (layout_test.sh)
#   system_man_page        man/luxc.1 covers every command and option
#   system_symbols         libluxc.so exports only luxc_* symbols and needs
#                          no libmicrohttpd; luxc holds no benchmark code
#   system_install         make install into a DESTDIR; outside C and C++17
#                          programs built with pkg-config and find_package;
#                          uninstall leaves nothing
#   system_runtime         the validator process end to end (runtime_test.sh):
#                          live network with load, bad input on its sockets
#                          (runtime_junk.c), SIGTERM, corrupt store, bad
#                          configurations
#   system_verify          luxc verify on stores written by luxc devnet
#   system_netns_faults    4 validators deployed with luxc testnet in network
#                          namespaces: delay, 5 % loss, a minority partition
#                          and heal (netns_test.sh); needs root, else CTest
#                          reports it as skipped (exit 77). netns_relay
#                          (netns_relay.c) stands in for tc netem on kernels
#                          without sch_netem. Normal build only: it runs real
#                          nodes for ~20-60 s.
# system_symbols and system_install run in the normal build only: a
# sanitizer build's library needs the sanitizer runtime in every program
# that links it.
add_test(NAME system_self_contained
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/self_contained.sh ${CMAKE_SOURCE_DIR})
add_test(NAME system_man_page
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/man_test.sh $<TARGET_FILE:luxc_cli>
          ${CMAKE_SOURCE_DIR}/man/luxc.1)
add_test(NAME system_layout
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/layout_test.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(system_self_contained system_man_page system_layout PROPERTIES
  LABELS system TIMEOUT 60)
if(NOT LUXC_SANITIZE AND NOT LUXC_FUZZ AND NOT LUXC_TSAN)
  add_test(NAME system_symbols
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/symbols_test.sh $<TARGET_FILE:luxc_shared>
            $<TARGET_FILE:luxc_cli> $<TARGET_FILE:luxc_bench>)
  add_test(NAME system_install
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/install_test.sh ${CMAKE_BINARY_DIR}
            ${CMAKE_SOURCE_DIR})
  set_tests_properties(system_symbols PROPERTIES LABELS system TIMEOUT 60)
  # RUN_SERIAL: it compiles, and shares the build's install_manifest.txt.
  set_tests_properties(system_install PROPERTIES LABELS system TIMEOUT 300 RUN_SERIAL TRUE)
endif()

add_executable(system_runtime_junk ${CMAKE_SOURCE_DIR}/tests/system/runtime_junk.c)
target_compile_options(system_runtime_junk PRIVATE ${LUXC_WARN})
target_link_libraries(system_runtime_junk PRIVATE PkgConfig::LUXC_ZMQ)
add_test(NAME system_runtime COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/runtime_test.sh
         $<TARGET_FILE:luxc_cli> $<TARGET_FILE:system_runtime_junk>)
set_tests_properties(system_runtime PROPERTIES LABELS system TIMEOUT 300 RUN_SERIAL TRUE)

add_test(NAME system_verify
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/verify_test.sh $<TARGET_FILE:luxc_cli>)
set_tests_properties(system_verify PROPERTIES LABELS system TIMEOUT 120)

if(NOT LUXC_SANITIZE AND NOT LUXC_FUZZ)
  add_executable(netns_relay ${CMAKE_SOURCE_DIR}/tests/system/netns_relay.c)
  target_compile_options(netns_relay PRIVATE ${LUXC_WARN})
  add_test(NAME system_netns_faults
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/netns_test.sh $<TARGET_FILE:luxc_cli>
            $<TARGET_FILE:netns_relay>)
  set_tests_properties(system_netns_faults PROPERTIES LABELS "system;netns"
    SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)
endif()
