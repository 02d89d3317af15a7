# tests/system/system.cmake - tests of the repository and its products as a
# whole, included from the root CMakeLists.txt.
#   system_self_contained  no tracked file names a path outside the checkout
#   system_man_page        man/luxc.1 covers every command and option
#   system_symbols         libluxc.so exports only luxc_* symbols
#   system_install         make install into a DESTDIR; outside C and C++17
#                          programs built with pkg-config and find_package;
#                          uninstall leaves nothing
# The last two run in the normal build only: a sanitizer build's library
# needs the sanitizer runtime in every program that links it.
add_test(NAME system_self_contained
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/self_contained.sh ${CMAKE_SOURCE_DIR})
add_test(NAME system_man_page
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/man_test.sh $<TARGET_FILE:luxc_cli>
          ${CMAKE_SOURCE_DIR}/man/luxc.1)
set_tests_properties(system_self_contained system_man_page PROPERTIES LABELS system TIMEOUT 60)
if(NOT LUXC_SANITIZE AND NOT LUXC_FUZZ AND NOT LUXC_TSAN)
  add_test(NAME system_symbols
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/symbols_test.sh $<TARGET_FILE:luxc_shared>)
  add_test(NAME system_install
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/system/install_test.sh ${CMAKE_BINARY_DIR}
            ${CMAKE_SOURCE_DIR})
  set_tests_properties(system_symbols PROPERTIES LABELS system TIMEOUT 60)
  # RUN_SERIAL: it compiles, and shares the build's install_manifest.txt.
  set_tests_properties(system_install PROPERTIES LABELS system TIMEOUT 300 RUN_SERIAL TRUE)
endif()
