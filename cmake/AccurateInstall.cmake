# The CMake package of an installed accurate: `find_package(accurate)` gives the imported target accurate::core
# and accurate_add_plugin(). Installed into <prefix>/<libdir>/cmake/accurate/. The targets themselves are
# installed by core/CMakeLists.txt (export set accurateTargets); plugins by accurate_add_plugin().
include(CMakePackageConfigHelpers)

set(ACCURATE_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/accurate)

install(EXPORT accurateTargets NAMESPACE accurate:: DESTINATION ${ACCURATE_CMAKE_INSTALL_DIR}
  FILE accurateTargets.cmake)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/accurateConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake-package/accurateConfig.cmake
  INSTALL_DESTINATION ${ACCURATE_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
# A plugin needs the host's ABI major, which is tied to accurate's minor version while it is 0.x.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake-package/accurateConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)

install(FILES
  ${CMAKE_BINARY_DIR}/cmake-package/accurateConfig.cmake
  ${CMAKE_BINARY_DIR}/cmake-package/accurateConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/AccuratePlugin.cmake
  DESTINATION ${ACCURATE_CMAKE_INSTALL_DIR})
