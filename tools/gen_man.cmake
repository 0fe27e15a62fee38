# tools/gen_man.cmake: writes OUT from `RAVEL help --man` (the build's ravel.1 rule); a failing
# ravel fails the build instead of leaving an empty page.
execute_process(COMMAND ${RAVEL} help --man OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "ravel help --man failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
