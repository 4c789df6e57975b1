# Turns the numbered migration files of one backend (v1.sql, v2.sql, ...) into
# a C file with an array of strings, so the SQL stays readable in the
# repository and is compiled into libtrygg.
#   cmake -DSCHEMA_DIR=<dir> -DOUT=<file.c> -DPREFIX=<c name> [-DFIRST=<n>] -P embed.cmake
# FIRST is the number of the first file (1; PostgreSQL starts at its baseline,
# v15.sql, which creates the whole schema of that version in one step).
# Only ever append a file; never edit a released step.
if(NOT DEFINED FIRST)
  set(FIRST 1)
endif()
set(n ${FIRST})
set(body "")
set(names "")
while(EXISTS "${SCHEMA_DIR}/v${n}.sql")
  file(READ "${SCHEMA_DIR}/v${n}.sql" sql)
  string(REPLACE "\\" "\\\\" sql "${sql}")
  string(REPLACE "\"" "\\\"" sql "${sql}")
  string(REPLACE "\n" "\\n\"\n    \"" sql "${sql}")
  string(APPEND body "static const char step_${n}[] =\n    \"${sql}\";\n")
  string(APPEND names "step_${n}, ")
  math(EXPR n "${n} + 1")
endwhile()
math(EXPR count "${n} - ${FIRST}")
if(count EQUAL 0)
  message(FATAL_ERROR "no migrations in ${SCHEMA_DIR}")
endif()
file(WRITE "${OUT}.tmp"
  "/* Generated from ${SCHEMA_DIR}/v*.sql by shared/schema/embed.cmake. */\n"
  "extern const char *const ${PREFIX}[];\n"
  "extern const int ${PREFIX}_count;\n"
  "extern const int ${PREFIX}_first;\n\n"
  "${body}\n"
  "const char *const ${PREFIX}[] = {${names}};\n"
  "const int ${PREFIX}_count = ${count};\n"
  "const int ${PREFIX}_first = ${FIRST};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
