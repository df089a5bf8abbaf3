# ACCURATE_SANITIZE=ON builds everything with ASan + UBSan (the CI's sanitizer build).
if(ACCURATE_SANITIZE)
  # GCC 12 gives false -Wmaybe-uninitialized warnings under the sanitizers at -O2 (Beast, std::regex).
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
                      -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=address,undefined)
endif()
