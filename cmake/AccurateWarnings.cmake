# Strict warnings for the project's own targets: accurate_warnings(<target>).
# GCC 12 reports false -Wrestrict hits inside libstdc++'s std::string at -O3 (GCC bug 105329); they stay
# warnings there instead of failing a Release build.
function(accurate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-error=deprecated-declarations
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
endfunction()
