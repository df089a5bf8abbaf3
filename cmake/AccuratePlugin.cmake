# accurate_add_plugin(): build an accurate plugin and write its manifest. Works in the accurate source tree and
# in a third party's project after find_package(accurate) (which includes this file).
#
#   accurate_add_plugin(<name>
#     VERSION <version>                  the plugin's own version (required)
#     SOURCES <files...>                 the plugin's sources (required)
#     [DESCRIPTION <one line>]           shown by `accurate plugins`
#     [PROVIDES <kinds...>]              user_classes sinks lifecycle web_auth change_observers options commands
#     [OUTPUT_DIRECTORY <dir>]           where the library and <name>.plugin.json go in the build tree
#                                        (default: ACCURATE_PLUGIN_OUTPUT_DIR, else ${CMAKE_BINARY_DIR}/plugins)
#     [INSTALL_DESTINATION <dir>]        where `cmake --install` puts both (default: ACCURATE_PLUGIN_INSTALL_DIR,
#                                        i.e. lib/accurate/plugins under the install prefix)
#     [NO_INSTALL])                      no install rules (test fixtures)
#
# <name> is the plugin name (lower-case letters, digits, '_' and '-'), the CMake target name and the name the
# source passes to ACCURATE_PLUGIN(Class, "<name>", "<version>"). The library is a MODULE named
# libaccurate_<name>.so, built with hidden visibility and no undefined symbols, linking accurate::core.
# The host finds a plugin through its manifest: the build tree's plugins/ folder next to the accurate
# executable, <prefix>/lib/accurate/plugins, or any folder listed in ACCURATE_PLUGIN_PATH (colon-separated).

include_guard(GLOBAL)

# The ABI version written into manifests comes from the SDK's own version.hpp.
if(NOT DEFINED ACCURATE_SDK_INCLUDE_DIR)
  # In the accurate source tree; an installed accurateConfig.cmake sets ACCURATE_SDK_INCLUDE_DIR first.
  set(ACCURATE_SDK_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/../core/include)
endif()
file(STRINGS ${ACCURATE_SDK_INCLUDE_DIR}/accurate/sdk/version.hpp _accurate_abi_lines
  REGEX "inline constexpr std::uint32_t kAbi(Major|Minor) = [0-9]+;")
foreach(_accurate_part IN ITEMS Major Minor)
  string(REGEX MATCH "kAbi${_accurate_part} = ([0-9]+)" _accurate_match "${_accurate_abi_lines}")
  if(NOT _accurate_match)
    message(FATAL_ERROR "accurate: cannot read kAbi${_accurate_part} from "
      "${ACCURATE_SDK_INCLUDE_DIR}/accurate/sdk/version.hpp")
  endif()
  string(TOUPPER ${_accurate_part} _accurate_upper)
  set_property(GLOBAL PROPERTY ACCURATE_ABI_${_accurate_upper} ${CMAKE_MATCH_1})
endforeach()
unset(_accurate_abi_lines)
unset(_accurate_match)
unset(_accurate_part)
unset(_accurate_upper)

# _accurate_json_string(<out> <text>): <text> as a quoted JSON string.
function(_accurate_json_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

function(accurate_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 PLUGIN "NO_INSTALL" "VERSION;DESCRIPTION;OUTPUT_DIRECTORY;INSTALL_DESTINATION"
    "SOURCES;PROVIDES")
  if(PLUGIN_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "accurate_add_plugin(${name}): unexpected arguments: ${PLUGIN_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[a-z0-9][a-z0-9_-]*$")
    message(FATAL_ERROR "accurate_add_plugin(${name}): the name must be lower-case letters, digits, '_' or '-', "
      "starting with a letter or digit")
  endif()
  if(NOT PLUGIN_VERSION)
    message(FATAL_ERROR "accurate_add_plugin(${name}): VERSION is required")
  endif()
  if(NOT PLUGIN_SOURCES)
    message(FATAL_ERROR "accurate_add_plugin(${name}): SOURCES is required")
  endif()
  set(known_kinds user_classes sinks lifecycle web_auth change_observers options commands)
  foreach(kind IN LISTS PLUGIN_PROVIDES)
    if(NOT kind IN_LIST known_kinds)
      message(FATAL_ERROR "accurate_add_plugin(${name}): unknown PROVIDES kind '${kind}' (known: ${known_kinds})")
    endif()
  endforeach()

  if(PLUGIN_OUTPUT_DIRECTORY)
    set(output_dir ${PLUGIN_OUTPUT_DIRECTORY})
  elseif(DEFINED ACCURATE_PLUGIN_OUTPUT_DIR)
    set(output_dir ${ACCURATE_PLUGIN_OUTPUT_DIR})
  else()
    set(output_dir ${CMAKE_BINARY_DIR}/plugins)
  endif()
  if(PLUGIN_INSTALL_DESTINATION)
    set(install_dir ${PLUGIN_INSTALL_DESTINATION})
  elseif(DEFINED ACCURATE_PLUGIN_INSTALL_DIR)
    set(install_dir ${ACCURATE_PLUGIN_INSTALL_DIR})
  else()
    set(install_dir lib/accurate/plugins)
  endif()
  if(DEFINED ACCURATE_INSTALL_LIBDIR)
    set(core_libdir ${ACCURATE_INSTALL_LIBDIR})
  elseif(DEFINED CMAKE_INSTALL_LIBDIR)
    set(core_libdir ${CMAKE_INSTALL_LIBDIR})
  else()
    set(core_libdir lib)
  endif()
  # $ORIGIN-relative path from the installed plugin to the installed libaccurate.so (for ldd and tools; inside
  # the accurate process the core is already loaded and found by its soname).
  file(RELATIVE_PATH rpath_to_core /prefix/${install_dir} /prefix/${core_libdir})

  add_library(${name} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${name} PRIVATE accurate::core)
  set_target_properties(${name} PROPERTIES
    PREFIX "libaccurate_" OUTPUT_NAME ${name} SUFFIX ".so"
    LIBRARY_OUTPUT_DIRECTORY ${output_dir}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    # The build fingerprint includes __cplusplus: a plugin must use the host's standard (C++20, no extensions).
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    INSTALL_RPATH "$ORIGIN/${rpath_to_core}")
  # A plugin must resolve every symbol against what it links (the core, Boost, the C++ runtime). Sanitizer
  # runtimes are provided by the executable, so the check is off in sanitizer builds.
  if(NOT ACCURATE_SANITIZE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  if(COMMAND accurate_warnings)
    accurate_warnings(${name})
  endif()

  get_property(abi_major GLOBAL PROPERTY ACCURATE_ABI_MAJOR)
  get_property(abi_minor GLOBAL PROPERTY ACCURATE_ABI_MINOR)
  _accurate_json_string(json_name "${name}")
  _accurate_json_string(json_version "${PLUGIN_VERSION}")
  _accurate_json_string(json_description "${PLUGIN_DESCRIPTION}")
  set(json_provides "")
  foreach(kind IN LISTS PLUGIN_PROVIDES)
    if(json_provides)
      string(APPEND json_provides ", ")
    endif()
    string(APPEND json_provides "\"${kind}\"")
  endforeach()
  set(manifest_file ${output_dir}/${name}.plugin.json)
  file(GENERATE OUTPUT ${manifest_file} CONTENT "{
  \"name\": ${json_name},
  \"version\": ${json_version},
  \"description\": ${json_description},
  \"library\": \"$<TARGET_FILE_NAME:${name}>\",
  \"abi\": {\"major\": ${abi_major}, \"minor\": ${abi_minor}},
  \"provides\": [${json_provides}]
}
")

  if(NOT PLUGIN_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${install_dir})
    install(FILES ${manifest_file} DESTINATION ${install_dir})
  endif()
endfunction()
