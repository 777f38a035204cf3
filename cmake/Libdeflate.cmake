# libdeflate inflates gzip about twice as fast as zlib (docs/performance.md). Debian ships no
# CMake config for it, so look for the header and library directly; zlib is the fallback.
set(TRAILSIFT_HAVE_LIBDEFLATE OFF)
if(TRAILSIFT_USE_LIBDEFLATE)
  find_path(LIBDEFLATE_INCLUDE_DIR libdeflate.h)
  find_library(LIBDEFLATE_LIBRARY NAMES deflate)
  if(LIBDEFLATE_INCLUDE_DIR AND LIBDEFLATE_LIBRARY)
    add_library(libdeflate::libdeflate UNKNOWN IMPORTED)
    set_target_properties(libdeflate::libdeflate PROPERTIES
      IMPORTED_LOCATION "${LIBDEFLATE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${LIBDEFLATE_INCLUDE_DIR}")
    set(TRAILSIFT_HAVE_LIBDEFLATE ON)
  endif()
endif()
if(TRAILSIFT_HAVE_LIBDEFLATE)
  message(STATUS "trailsift: inflating gzip with libdeflate")
else()
  message(STATUS "trailsift: inflating gzip with zlib")
endif()
