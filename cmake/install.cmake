# install.cmake - what `make install` puts where (GNU layout, relative to
# CMAKE_INSTALL_PREFIX; DESTDIR is honoured as usual):
#   bin/luxc, bin/luxc-bench                   the program; the benchmarks
#                                              (`luxc bench` runs luxc-bench)
#   lib/libluxc.a, lib/libluxc.so.X.Y.Z        the libraries (SONAME libluxc.so.X,
#   lib/libluxc.so.X -> .so.X.Y.Z               libluxc.so for the linker)
#   include/luxc.h, include/luxc/*.h           the public headers
#   lib/pkgconfig/luxc.pc                      pkg-config --cflags --libs luxc
#   lib/cmake/luxc/                            find_package(luxc CONFIG):
#                                              luxc::luxc (shared),
#                                              luxc::luxc_static (static)
#   share/man/man1/luxc.1                      man luxc
#   share/doc/luxc/README.md
# The prefix is fixed when the build is configured (luxc.pc names it), as
# with autotools: the Makefile's install target reconfigures with PREFIX.
# `make uninstall` removes what the last install wrote (cmake/uninstall.cmake
# reads install_manifest.txt).
set(LUXC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/luxc)

install(TARGETS luxc_cli luxc_bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS luxc_shared EXPORT luxc-shared-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS luxc EXPORT luxc-static-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_SOURCE_DIR}/include/luxc.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/luxc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

configure_file(${CMAKE_SOURCE_DIR}/cmake/luxc.pc.in ${CMAKE_BINARY_DIR}/luxc.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/luxc.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

include(CMakePackageConfigHelpers)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/luxc-config.cmake.in
  ${CMAKE_BINARY_DIR}/luxc-config.cmake INSTALL_DESTINATION ${LUXC_CMAKE_DIR})
# Before 1.0 a minor release may change the ABI (the SONAME is libluxc.so.0
# throughout), so a request for 0.1 accepts 0.1.x only.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/luxc-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/luxc-config.cmake ${CMAKE_BINARY_DIR}/luxc-config-version.cmake
        DESTINATION ${LUXC_CMAKE_DIR})
install(EXPORT luxc-shared-targets NAMESPACE luxc:: DESTINATION ${LUXC_CMAKE_DIR})
install(EXPORT luxc-static-targets NAMESPACE luxc:: DESTINATION ${LUXC_CMAKE_DIR})

install(FILES ${CMAKE_SOURCE_DIR}/man/luxc.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

add_custom_target(uninstall
  COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_BINARY_DIR}/install_manifest.txt
          -P ${CMAKE_SOURCE_DIR}/cmake/uninstall.cmake
  COMMENT "removing the files of the last install")
