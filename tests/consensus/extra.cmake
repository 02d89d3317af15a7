# test_sim_rounds.c runs the simulator's rounds model at up to 10,000
# validators; sanitizer builds are about 10x slower, so they run fewer
# random networks and shorter chains at that size.
if(LUXC_SANITIZE OR LUXC_TSAN)
  set_property(TEST consensus_test_sim_rounds APPEND PROPERTY ENVIRONMENT
    "LUXC_SIM_ROUNDS_RUNS=20;LUXC_SIM_ROUNDS_BIG_BLOCKS=4")
endif()
set_tests_properties(consensus_test_sim_rounds PROPERTIES TIMEOUT 600)
