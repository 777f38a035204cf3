# ISA-L's inflater streams gzip as fast as libdeflate's whole-buffer one, and about twice as fast
# as zlib's (docs/performance.md). Debian ships no CMake config for it, so look for the header and
# library directly; zlib is the fallback.
set(TRAILSIFT_HAVE_ISAL OFF)
if(TRAILSIFT_USE_ISAL)
  find_path(ISAL_INCLUDE_DIR isa-l/igzip_lib.h)
  find_library(ISAL_LIBRARY NAMES isal)
  if(ISAL_INCLUDE_DIR AND ISAL_LIBRARY)
    add_library(isal::isal UNKNOWN IMPORTED)
    set_target_properties(isal::isal PROPERTIES
      IMPORTED_LOCATION "${ISAL_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${ISAL_INCLUDE_DIR}")
    set(TRAILSIFT_HAVE_ISAL ON)
  endif()
endif()
if(TRAILSIFT_HAVE_ISAL)
  message(STATUS "trailsift: inflating gzip with ISA-L")
else()
  message(STATUS "trailsift: inflating gzip with zlib")
endif()
