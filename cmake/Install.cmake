# What `cmake --install` and `cpack -G DEB` ship: the binary, a man page per command (roff made
# from docs/man/*.1.md by pandoc at build time), and bash, zsh and fish completions.
include(GNUInstallDirs)
install(TARGETS trailsift_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The Markdown is the source; roff is never committed, so it cannot drift from it. Without
# pandoc the build still works and says that no man pages will be installed.
find_program(PANDOC_EXECUTABLE pandoc)
if(PANDOC_EXECUTABLE)
  file(GLOB man_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.1.md)
  set(man_pages)
  foreach(source IN LISTS man_sources)
    get_filename_component(page_name "${source}" NAME_WLE)  # trailsift-filter.1
    set(page "${PROJECT_BINARY_DIR}/man/${page_name}")
    # -smart: keep "--option" as typed, not as an en dash.
    add_custom_command(OUTPUT "${page}"
      COMMAND ${PANDOC_EXECUTABLE} --standalone --from markdown-smart --to man
              --output "${page}" "${source}"
      DEPENDS "${source}"
      COMMENT "Generating man page ${page_name}")
    list(APPEND man_pages "${page}")
  endforeach()
  add_custom_target(man ALL DEPENDS ${man_pages})
  install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "pandoc not found: the man pages will not be built or installed")
endif()

# The completions ask `trailsift ... --help` for commands and options when completing, so they
# follow the binary they complete.
install(FILES ${PROJECT_SOURCE_DIR}/completions/trailsift.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME trailsift)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_trailsift
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/trailsift.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trailsift)
set(CPACK_PACKAGE_CONTACT "trailsift maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Offline tools for AWS CloudTrail logs: validate, filter, stats, diff, hunt, insights")
set(CPACK_PACKAGE_INSTALL_DIRECTORY trailsift)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# The shared libraries' packages, as dpkg-shlibdeps finds them (dpkg-dev comes with g++).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
