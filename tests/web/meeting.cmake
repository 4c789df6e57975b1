# Browser test of the operational group's meeting and the åtgärdsplan
# (tests/web/meeting.mjs): the meeting page on a 390x844 phone, and the
# printed meeting and plan as A4 PDFs turned into PNGs. Uses report_fixture
# (report.cmake) with --meeting.
if(NODE_EXECUTABLE AND TARGET report_fixture)
  add_test(NAME web_meeting
           COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/meeting.mjs
                   --fixture $<TARGET_FILE:report_fixture>
                   --out ${CMAKE_CURRENT_BINARY_DIR}/meeting-screenshots)
  set_tests_properties(web_meeting PROPERTIES
    LABELS web TIMEOUT 300 SKIP_RETURN_CODE 77
    ENVIRONMENT "TRYGG_ASSETS=${CMAKE_SOURCE_DIR}/assets")
endif()
