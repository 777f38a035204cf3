# Runs one golden CLI case. Layout of tests/cli/<command>/<case>/:
#   cmd              arguments after `trailsift`, one line, paths relative to the case folder;
#                    @REALDATA@ stands for the shared real-data corpus, @SIGMA@ for the
#                    shared Sigma rules
#   stdin            optional, fed to standard input (otherwise standard input is empty)
#   expected_stdout  exact bytes expected on stdout
#   expected_stderr  optional; exact bytes expected on stderr (otherwise stderr must be empty)
#   expected_exit    optional; exit status, default 0
#   expected_stderr.zlib  optional; replaces expected_stderr when trailsift inflates with zlib
#                    (INFLATER=zlib): the inflaters word corrupt data differently
# TRAILSIFT_UPDATE_GOLDEN=1 rewrites the expected_* files from the actual run ("bless").
file(READ "${CASE_DIR}/cmd" command_line)
string(STRIP "${command_line}" command_line)
string(REPLACE "@REALDATA@" "${REALDATA_DIR}" command_line "${command_line}")
string(REPLACE "@SIGMA@" "${SIGMA_DIR}" command_line "${command_line}")
separate_arguments(args UNIX_COMMAND "${command_line}")
set(stdin_file "${CASE_DIR}/stdin")
if(NOT EXISTS "${stdin_file}")
  set(stdin_file /dev/null)
endif()
execute_process(COMMAND "${BINARY}" ${args}
  INPUT_FILE "${stdin_file}"
  WORKING_DIRECTORY "${CASE_DIR}"
  OUTPUT_VARIABLE actual_stdout ERROR_VARIABLE actual_stderr RESULT_VARIABLE actual_exit)
string(REPLACE "${REALDATA_DIR}" "@REALDATA@" actual_stderr "${actual_stderr}")
string(REPLACE "${REALDATA_DIR}" "@REALDATA@" actual_stdout "${actual_stdout}")
string(REPLACE "${SIGMA_DIR}" "@SIGMA@" actual_stderr "${actual_stderr}")
string(REPLACE "${SIGMA_DIR}" "@SIGMA@" actual_stdout "${actual_stdout}")

set(stderr_file "${CASE_DIR}/expected_stderr")
if(INFLATER STREQUAL "zlib" AND EXISTS "${CASE_DIR}/expected_stderr.zlib")
  set(stderr_file "${CASE_DIR}/expected_stderr.zlib")
endif()
if(DEFINED ENV{TRAILSIFT_UPDATE_GOLDEN})
  file(WRITE "${CASE_DIR}/expected_stdout" "${actual_stdout}")
  if(NOT actual_stderr STREQUAL "")
    file(WRITE "${stderr_file}" "${actual_stderr}")
  else()
    file(REMOVE "${CASE_DIR}/expected_stderr")
  endif()
  if(NOT actual_exit STREQUAL "0")
    file(WRITE "${CASE_DIR}/expected_exit" "${actual_exit}\n")
  else()
    file(REMOVE "${CASE_DIR}/expected_exit")
  endif()
endif()

set(expected_exit 0)
if(EXISTS "${CASE_DIR}/expected_exit")
  file(STRINGS "${CASE_DIR}/expected_exit" expected_exit)
endif()
set(expected_stderr "")
if(EXISTS "${stderr_file}")
  file(READ "${stderr_file}" expected_stderr)
endif()
file(READ "${CASE_DIR}/expected_stdout" expected_stdout)
set(failures "")
if(NOT actual_exit STREQUAL expected_exit)
  string(APPEND failures "exit status ${actual_exit}, expected ${expected_exit}\n")
endif()
if(NOT actual_stdout STREQUAL expected_stdout)
  string(APPEND failures "stdout differs\n--- expected ---\n${expected_stdout}--- actual ---\n${actual_stdout}")
endif()
if(NOT actual_stderr STREQUAL expected_stderr)
  string(APPEND failures "stderr differs\n--- expected ---\n${expected_stderr}--- actual ---\n${actual_stderr}")
endif()
if(failures)
  message(NOTICE "trailsift ${command_line}\n${failures}")
  message(FATAL_ERROR "golden case failed: ${CASE_DIR}")
endif()
