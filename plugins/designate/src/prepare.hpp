#pragma once
/// @file prepare.hpp
/// `accurate designate prepare`: makes sure every configured tenant has N zones ("prep<i>.<project>.<suffix>")
/// with M A recordsets ("r<j>.<zone>") each, optionally raising the tenant's quotas first. Idempotent: it counts
/// what exists and creates only what is missing.

#include "settings.hpp"

#include <accurate/sdk/host.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::designate {

/// The DNS label for @p project_id: lower case, letters/digits/'-' kept, other characters turned into '-', no
/// leading/trailing '-', at most 40 characters; "project" when nothing is left.
std::string projectLabel(std::string_view project_id);

/// Name of prepared zone @p index (1-based) of @p project_id: "prep<index>.<projectLabel>.<zone_suffix>".
std::string preparedZoneName(std::string_view project_id, std::uint32_t index, std::string_view zone_suffix);

/// Name of prepared recordset @p index (1-based) in @p zone: "r<index>.<zone>".
std::string preparedRecordName(std::uint32_t index, std::string_view zone);

/// Applies the command line of `designate prepare` (`--zones N --recordsets M --parallel P --quota-zones Q
/// --quota-zone-recordsets R --no-wait`, each also as `--flag=value`) to @p settings.
/// @returns false when `--help`/`-h` was given (the caller prints usage()).
/// @throws sdk::ConfigError naming the flag and the reason (unknown flag, missing or invalid number).
bool applyPrepareArgs(PrepareSettings& settings, const std::vector<std::string>& args);

/// The command's usage text (several lines).
std::string prepareUsage();

/// What one prepare run did, summed over tenants.
struct PrepareTotals {
  std::uint64_t zones_wanted = 0;         ///< tenants × N
  std::uint64_t zones_found = 0;          ///< prepared zones that already existed
  std::uint64_t zones_created = 0;        ///< zones created by this run
  std::uint64_t recordsets_wanted = 0;    ///< zones × M
  std::uint64_t recordsets_found = 0;     ///< prepared recordsets that already existed
  std::uint64_t recordsets_created = 0;   ///< recordsets created by this run
  std::uint64_t failures = 0;             ///< failed steps (each printed on its own line)
};

/// Runs the preparation for every tenant of @p settings with @p ctx's HTTP client, printing progress lines
/// ("prepare: proj-a: zones 7/10, recordsets 35/50"), failures and a summary line to @p out.
/// @p ctx, @p settings and @p out must outlive the awaitable. Run on ctx's executor.
boost::asio::awaitable<PrepareTotals> runPrepare(sdk::UserContext& ctx, const Settings& settings, std::ostream& out);

/// The sdk::CommandSpec "designate prepare": parses the plugin section and the arguments, runs runPrepare through
/// CommandContext::run and returns 0 on success, 1 when something failed.
sdk::CommandSpec prepareCommand();

}  // namespace accurate::designate
