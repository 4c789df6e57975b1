# Browser test of the weekly situation picture (tests/web/report.mjs): the
# week page for two roles and the printable page printed to an A4 PDF.
add_executable(report_fixture ${CMAKE_CURRENT_SOURCE_DIR}/report_fixture.c)
target_link_libraries(report_fixture PRIVATE trygg_server_core)
target_include_directories(report_fixture PRIVATE ${CMAKE_SOURCE_DIR}/shared/src)
if(NODE_EXECUTABLE)
  add_test(NAME web_report
           COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report.mjs
                   --fixture $<TARGET_FILE:report_fixture>
                   --out ${CMAKE_CURRENT_BINARY_DIR}/report-screenshots)
  set_tests_properties(web_report PROPERTIES
    LABELS web TIMEOUT 300 SKIP_RETURN_CODE 77
    ENVIRONMENT "TRYGG_ASSETS=${CMAKE_SOURCE_DIR}/assets")
endif()
