# Warnings for the project's own targets (never applied to torch or Qt headers,
# which come in as SYSTEM includes). STEER_WARNINGS_AS_ERRORS turns them into errors: the
# "ci" preset and `packaging/setup.sh --test` (what CI runs) build that way.
option(STEER_WARNINGS_AS_ERRORS "Treat the project's compiler warnings as errors" OFF)
function(steer_warnings target)
  # GCC 12 reports -Wrestrict / -Wstringop-overflow false positives inside std::string
  # concatenation at -O2 (GCC bug 105329); they say nothing about our code.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict -Wno-stringop-overflow -Wno-array-bounds>
    $<$<BOOL:${STEER_WARNINGS_AS_ERRORS}>:-Werror>)
endfunction()
