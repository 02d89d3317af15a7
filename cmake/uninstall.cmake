# uninstall.cmake - remove the files the last `make install` wrote.
#   cmake -DMANIFEST=<build>/install_manifest.txt -P cmake/uninstall.cmake
# The manifest lists every installed file without DESTDIR; set DESTDIR (in
# the environment) as for the install, as `make uninstall DESTDIR=...` does. The
# folders the install made for luxc alone (include/luxc, lib/cmake/luxc,
# share/doc/luxc) go too once empty; shared folders (bin, lib) stay.
if(NOT MANIFEST OR NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "uninstall: no install manifest at '${MANIFEST}' (nothing was installed from this build)")
endif()
file(STRINGS "${MANIFEST}" files)
set(removed 0)
set(dirs "")
foreach(f IN LISTS files)
  set(f "$ENV{DESTDIR}${f}")
  if(IS_SYMLINK "${f}" OR EXISTS "${f}")
    file(REMOVE "${f}")
    math(EXPR removed "${removed} + 1")
  endif()
  get_filename_component(d "${f}" DIRECTORY)
  get_filename_component(leaf "${d}" NAME)
  if(leaf STREQUAL "luxc")
    list(APPEND dirs "${d}")
  endif()
endforeach()
list(REMOVE_DUPLICATES dirs)
foreach(d IN LISTS dirs)
  file(GLOB left "${d}/*")
  if(NOT left)
    file(REMOVE_RECURSE "${d}")
  endif()
endforeach()
message(STATUS "uninstall: removed ${removed} files")
