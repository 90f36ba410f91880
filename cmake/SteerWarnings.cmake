# Warnings for the project's own targets (never applied to torch or Qt headers,
# which come in as SYSTEM includes).
function(steer_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
