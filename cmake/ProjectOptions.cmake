# Flags for the project's own targets only (never add_compile_options: they would leak into
# anything added below this directory).
add_library(trailsift_project_options INTERFACE)
target_compile_options(trailsift_project_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                           -Wconversion -Wno-sign-conversion)

# TRAILSIFT_SANITIZE: OFF; ON (the same as address) for AddressSanitizer and
# UndefinedBehaviorSanitizer; thread for ThreadSanitizer, which cannot be combined with them.
set_property(CACHE TRAILSIFT_SANITIZE PROPERTY STRINGS OFF ON address thread)
string(TOUPPER "${TRAILSIFT_SANITIZE}" sanitize)
if(sanitize STREQUAL "THREAD")
  set(trailsift_sanitizers thread)
elseif(sanitize MATCHES "^(ADDRESS|ON|YES|TRUE|Y|1)$")
  set(trailsift_sanitizers address,undefined)
elseif(NOT sanitize MATCHES "^(OFF|NO|FALSE|N|0|)$")
  message(FATAL_ERROR "TRAILSIFT_SANITIZE=${TRAILSIFT_SANITIZE}: expected OFF, ON, address or thread")
endif()
if(TRAILSIFT_FUZZ)
  # libFuzzer is clang's. The library and the fuzz targets get coverage instrumentation and
  # ASan + UBSan; the targets alone link libFuzzer's main (tests/fuzz/CMakeLists.txt).
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TRAILSIFT_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(trailsift_sanitizers STREQUAL "thread")
    message(FATAL_ERROR "TRAILSIFT_FUZZ runs with AddressSanitizer: leave TRAILSIFT_SANITIZE off")
  endif()
  set(trailsift_sanitizers address,undefined)
  target_compile_options(trailsift_project_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(trailsift_sanitizers)
  target_compile_options(trailsift_project_options INTERFACE
    -fsanitize=${trailsift_sanitizers} -fno-omit-frame-pointer)
  target_link_options(trailsift_project_options INTERFACE -fsanitize=${trailsift_sanitizers})
endif()
if(trailsift_sanitizers STREQUAL "address,undefined")
  target_compile_options(trailsift_project_options INTERFACE -fno-sanitize-recover=undefined)
endif()
