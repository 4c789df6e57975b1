# Turns the numbered migration files of one backend (v1.sql, v2.sql, ...) into
# a C file with an array of strings, so the SQL stays readable in the
# repository and is compiled into libtrygg.
#   cmake -DSCHEMA_DIR=<dir> -DOUT=<file.c> -DPREFIX=<c name> -P embed.cmake
# Only ever append a file; never edit a released step.
set(n 1)
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
math(EXPR count "${n} - 1")
if(count EQUAL 0)
  message(FATAL_ERROR "no migrations in ${SCHEMA_DIR}")
endif()
file(WRITE "${OUT}.tmp"
  "/* Generated from ${SCHEMA_DIR}/v*.sql by shared/schema/embed.cmake. */\n"
  "extern const char *const ${PREFIX}[];\n"
  "extern const int ${PREFIX}_count;\n\n"
  "${body}\n"
  "const char *const ${PREFIX}[] = {${names}};\n"
  "const int ${PREFIX}_count = ${count};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
