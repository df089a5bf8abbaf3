#pragma once
/// @file observe_command.hpp
/// `accurate digaas observe`: time one DNS change on every configured nameserver with the built-in poller and
/// print one JSON line per nameserver. Uses the `digaas` section's nameservers, interval, timeout,
/// query_timeout and limits.
///
///   accurate digaas observe --type TYPE --name NAME [--serial N] [--rdatatype A] [--rdata DATA]
///                           [--start-time EPOCH|now] [--plugins digaas --digaas-nameservers ... ]
///
/// Output line: {"nameserver": "127.0.0.1:5353", "type": "ZONE_UPDATE", "name": "prop.test.", "propagated": true,
/// "seconds": 1.23, "error": null, "answer": "SOA serial 5", "queries": 7}. Exit 0 when every nameserver showed
/// the change, 1 otherwise, 2 on bad arguments or configuration (one line on stderr).

#include "observation.hpp"
#include "settings.hpp"

#include <accurate/sdk/host.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace accurate::digaas {

/// The parsed arguments of `digaas observe`.
struct ObserveArguments {
  bool help = false;       ///< --help / -h was given: print the usage and do nothing else
  sdk::DnsChange change;   ///< the change to time (start_time filled in; zone = name for zone changes)
};

/// Parses the command's arguments. @p now (epoch s) is the start time when --start-time is absent or "now".
/// @throws sdk::ConfigError naming the argument and the reason (e.g. "--type: unknown change type \"X\" ...").
ObserveArguments parseObserveArguments(const std::vector<std::string>& args, double now);

/// The command's usage text (several lines).
std::string observeUsage();

/// One output line (JSON, no newline) for @p result of @p change on @p nameserver.
std::string observationLine(const NameserverAddress& nameserver, const sdk::DnsChange& change,
                            const ObservationResult& result);

/// Runs the command: observes on every nameserver at once through command.run, writes the lines to @p out and
/// problems to @p err; returns the exit code.
int runObserveCommand(const sdk::CommandContext& command, std::ostream& out, std::ostream& err);

/// The `digaas observe` sub-command for Declarations::addCommand.
sdk::CommandSpec makeObserveCommand();

}  // namespace accurate::digaas
