# The node core's tests run several nodes in one process over a simulated
# network (tests/node/sim_net.c).
target_sources(node_test_node PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/sim_net.c)

# The validator process end to end (tests/node/runtime_test.sh): bad input
# on its sockets, SIGTERM, corrupt store, bad configurations.
add_executable(node_junk ${CMAKE_SOURCE_DIR}/tests/node/junk.c)
target_compile_options(node_junk PRIVATE ${LUXC_WARN})
target_link_libraries(node_junk PRIVATE PkgConfig::LUXC_ZMQ)
add_test(NAME node_runtime COMMAND bash ${CMAKE_SOURCE_DIR}/tests/node/runtime_test.sh
         $<TARGET_FILE:luxc_cli> $<TARGET_FILE:node_junk>)
set_tests_properties(node_runtime PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
