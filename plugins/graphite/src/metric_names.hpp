#pragma once
/// @file metric_names.hpp
/// Carbon metric names: every segment limited to [A-Za-z0-9_-] (Carbon and whisper mangle other bytes, and a
/// dot would split a segment), segments joined by single dots.

#include <string>
#include <string_view>

namespace accurate::graphite {

/// @p text as one segment: bytes outside [A-Za-z0-9_-] become '_', runs of '_' collapse to one, empty → "_".
std::string sanitizeSegment(std::string_view text);

/// @p prefix split at its dots, each part sanitised, joined by single dots (empty parts become "_").
std::string sanitizePrefix(std::string_view prefix);

/// The compat (original tool) base name of an entry: `locust.<METHOD><name>` with '/' → '-' and ' ' → '_' as
/// the original did, then sanitised as one segment, e.g. ("GET", "/v2/zones/ID") → "locust.GET-v2-zones-ID".
std::string compatEntryName(std::string_view method, std::string_view name);

}  // namespace accurate::graphite
