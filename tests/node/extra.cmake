# The node core's tests: test_node.c (and test_node_upgrade.c's network
# tests) run several nodes in one process over a simulated network
# (sim_net.c); the tests of one node file at a time
# drive a single real node among scripted peers (node_fixture.c).
target_sources(node_test_node PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/sim_net.c)
target_sources(node_test_node_upgrade PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/sim_net.c)
file(GLOB _node_file_tests CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/node/test_node_*.c)
foreach(t IN LISTS _node_file_tests)
  get_filename_component(tname ${t} NAME_WE)
  target_sources(node_${tname} PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/node_fixture.c)
endforeach()
# test_node_stall.c replays the stall findings, one of them over the
# simulated network.
target_sources(node_test_node_stall PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/sim_net.c)
