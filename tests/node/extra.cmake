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
# test_node_adversarial.c: seeded scenarios over the simulated network.
# 1000 seeds in the normal build; sanitizer builds run 10x slower, so 60
# there. `make soak` runs 100,000.
target_sources(node_test_node_adversarial PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/sim_net.c)
if(LUXC_SANITIZE OR LUXC_TSAN)
  set_property(TEST node_test_node_adversarial APPEND PROPERTY ENVIRONMENT "LUXC_ADV_SEEDS=60")
endif()
set_tests_properties(node_test_node_adversarial PROPERTIES TIMEOUT 1500)
