#pragma once
/// @file render.hpp
/// The JSON shapes of Designate's objects (zone, recordset, import, export), written straight into a JsonWriter.
/// @p api_base is the link prefix "http://<Host>/v2" (or ".../v2/<project>" when the request had the tenant in
/// its URL).

#include "json_writer.hpp"
#include "model.hpp"

#include <string>

namespace accurate::designate_sim {

/// Designate's default pool id (every zone is in it).
inline constexpr const char* kPoolId = "794ccc2c-d751-44fe-b57f-8894c9f5c842";

/// Writes @p zone as Designate's zone object.
void writeZone(JsonWriter& w, const Zone& zone, const std::string& api_base);

/// Writes @p recordset as Designate's recordset object.
void writeRecordset(JsonWriter& w, const Recordset& recordset, const std::string& api_base);

/// Writes @p task as Designate's zone import object.
void writeImport(JsonWriter& w, const ImportTask& task, const std::string& api_base);

/// Writes @p task as Designate's zone export object.
void writeExport(JsonWriter& w, const ExportTask& task, const std::string& api_base);

}  // namespace accurate::designate_sim
