# accurate_add_plugin(<name> VERSION <v> DESCRIPTION <text> SOURCES <files...> [PROVIDES <kinds...>])
# Builds plugin <name> as a MODULE library (hidden visibility, no undefined symbols) into the plugin
# directory, next to its manifest <name>.plugin.json, and installs both.
function(accurate_add_plugin name)
  cmake_parse_arguments(PLUGIN "" "VERSION;DESCRIPTION" "SOURCES;PROVIDES" ${ARGN})
  add_library(${name} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${name} PRIVATE accurate::core)
  set_target_properties(${name} PROPERTIES
    PREFIX "libaccurate_" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${ACCURATE_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN/../..")
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  if(COMMAND accurate_warnings)
    accurate_warnings(${name})
  endif()
  set(provides "")
  foreach(kind IN LISTS PLUGIN_PROVIDES)
    string(APPEND provides "\"${kind}\", ")
  endforeach()
  string(REGEX REPLACE ", $" "" provides "${provides}")
  set(manifest "{\n  \"name\": \"${name}\",\n  \"version\": \"${PLUGIN_VERSION}\",\n  \"description\": \"${PLUGIN_DESCRIPTION}\",\n  \"library\": \"libaccurate_${name}.so\",\n  \"abi\": {\"major\": 1, \"minor\": 0},\n  \"provides\": [${provides}]\n}\n")
  file(GENERATE OUTPUT ${ACCURATE_PLUGIN_OUTPUT_DIR}/${name}.plugin.json CONTENT "${manifest}")
  install(TARGETS ${name} LIBRARY DESTINATION ${ACCURATE_PLUGIN_INSTALL_DIR})
  install(FILES ${ACCURATE_PLUGIN_OUTPUT_DIR}/${name}.plugin.json DESTINATION ${ACCURATE_PLUGIN_INSTALL_DIR})
endfunction()
