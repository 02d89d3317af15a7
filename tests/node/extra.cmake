# The node core's tests run several nodes in one process over a simulated
# network (tests/node/sim_net.c).
target_sources(node_test_node PRIVATE ${CMAKE_SOURCE_DIR}/tests/node/sim_net.c)
