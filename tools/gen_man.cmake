# tools/gen_man.cmake: writes OUT from `RAVEL ARGS` (default `help --man`: the build's ravel.1
# rule; `help --bash-completion`: ravel.bash); a failing ravel fails the build instead of
# leaving an empty file.
if(NOT DEFINED ARGS)
  set(ARGS help --man)
endif()
execute_process(COMMAND ${RAVEL} ${ARGS} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "ravel ${ARGS} failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
