#pragma once
/// @file version.hpp
/// Versions of the accurate SDK and the build fingerprint a plugin must share with the host.

#include <boost/version.hpp>

#include <cstdint>

#define ACCURATE_DETAIL_STR2(x) #x
#define ACCURATE_DETAIL_STR(x) ACCURATE_DETAIL_STR2(x)

/// Symbols of the core library that plugins and the executable use.
#define ACCURATE_API __attribute__((visibility("default")))

/// Everything that must be identical between the host and a plugin for C++ objects to cross the boundary:
/// compiler and version, libstdc++ release and ABI, Boost version, C++ standard. Expanded where it is used,
/// so a plugin carries the value of its own compilation.
#define ACCURATE_BUILD_FINGERPRINT                                                               \
  "compiler=" __VERSION__ ";libstdc++=" ACCURATE_DETAIL_STR(__GLIBCXX__) "/abi"                  \
  ACCURATE_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI) ";boost=" ACCURATE_DETAIL_STR(BOOST_VERSION)       \
  ";c++=" ACCURATE_DETAIL_STR(__cplusplus)

namespace accurate::sdk {

/// Plugin ABI major version: a plugin built for another major is refused.
inline constexpr std::uint32_t kAbiMajor = 1;
/// Plugin ABI minor version: a plugin built for a newer minor than the host's is refused.
inline constexpr std::uint32_t kAbiMinor = 2;
/// Version of the SDK (and of accurate itself).
inline constexpr const char* kSdkVersion = "0.1.0";

}  // namespace accurate::sdk
