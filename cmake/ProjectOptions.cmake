# Flags for the project's own targets only (never add_compile_options: they would leak into
# anything added below this directory).
add_library(trailsift_project_options INTERFACE)
target_compile_options(trailsift_project_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                           -Wconversion -Wno-sign-conversion)
if(TRAILSIFT_SANITIZE)
  target_compile_options(trailsift_project_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(trailsift_project_options INTERFACE -fsanitize=address,undefined)
endif()
