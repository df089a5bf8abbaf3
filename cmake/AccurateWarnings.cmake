# Strict warnings for the project's own targets: accurate_warnings(<target>).
# GCC 12 false positives stay warnings instead of failing the build: -Wrestrict inside libstdc++'s std::string
# at -O3 (GCC bug 105329) and -Wmismatched-new-delete on Asio's coroutine frames (fixed in GCC 13).
function(accurate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-error=deprecated-declarations
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict -Wno-mismatched-new-delete>)
endfunction()
