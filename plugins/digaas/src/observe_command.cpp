// `accurate digaas observe` (see observe_command.hpp).
#include "observe_command.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <exception>
#include <iostream>
#include <memory>

namespace accurate::digaas {
namespace {

using Type = sdk::DnsChange::Type;

constexpr std::string_view kCommand = "digaas observe";

std::optional<Type> changeType(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Type type : {Type::kZoneCreate, Type::kZoneUpdate, Type::kZoneDelete, Type::kRecordCreate,
                          Type::kRecordUpdate, Type::kRecordDelete}) {
    if (sdk::changeTypeName(type) == upper) return type;
  }
  return std::nullopt;
}

bool isRecordChange(Type type) {
  return type == Type::kRecordCreate || type == Type::kRecordUpdate || type == Type::kRecordDelete;
}

std::uint32_t parseSerial(const std::string& text) {
  std::uint32_t serial = 0;
  const auto [end, errc] = std::from_chars(text.data(), text.data() + text.size(), serial);
  if (text.empty() || errc != std::errc() || end != text.data() + text.size()) {
    throw sdk::ConfigError("--serial", fmt::format("expected an integer 0-4294967295, got \"{}\"", text));
  }
  return serial;
}

double parseStartTime(const std::string& text, double now) {
  if (text == "now") return now;
  double value = 0;
  const auto [end, errc] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || errc != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value <= 0) {
    throw sdk::ConfigError("--start-time", fmt::format("expected epoch seconds (e.g. 1700000000.25) or \"now\", "
                                                       "got \"{}\"",
                                                       text));
  }
  return value;
}

}  // namespace

std::string observeUsage() {
  return "Usage: accurate digaas observe --type TYPE --name NAME [--serial N] [--rdatatype A] [--rdata DATA]\n"
         "                               [--start-time EPOCH|now]\n"
         "Times one DNS change on every configured nameserver (--digaas-nameservers) with the built-in poller\n"
         "(--digaas-interval, --digaas-timeout, --digaas-query-timeout) and prints one JSON line per nameserver.\n"
         "  --type TYPE          ZONE_CREATE, ZONE_UPDATE, ZONE_DELETE, RECORD_CREATE, RECORD_UPDATE, RECORD_DELETE\n"
         "  --name NAME          the zone (zone changes) or the record's owner name\n"
         "  --serial N           ZONE_UPDATE: the SOA serial to wait for (>=, RFC 1982); without it any SOA counts\n"
         "  --rdatatype T        record changes: the record type (default A)\n"
         "  --rdata DATA         RECORD_CREATE/UPDATE: the data to wait for (required); RECORD_DELETE: the data\n"
         "                       that must vanish (empty: no record of the type left)\n"
         "  --start-time T       epoch seconds of the change (default now); times are measured from it\n"
         "Exit status: 0 when the change showed on every nameserver, 1 otherwise, 2 on bad arguments.\n";
}

ObserveArguments parseObserveArguments(const std::vector<std::string>& args, double now) {
  ObserveArguments out;
  std::optional<Type> type;
  std::optional<std::string> name;
  std::optional<std::string> rdatatype;
  std::optional<std::string> rdata;
  std::optional<std::uint32_t> serial;
  double start_time = now;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      return out;
    }
    if (arg == "--") continue;  // the separator after the core's options
    const auto eq = arg.find('=');
    const std::string flag(arg.substr(0, eq));
    const bool known = flag == "--type" || flag == "--name" || flag == "--serial" || flag == "--rdatatype" ||
                       flag == "--rdata" || flag == "--start-time";
    if (!known) {
      throw sdk::ConfigError(std::string(arg), fmt::format("unknown argument of `{}` (see --help)", kCommand));
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw sdk::ConfigError(flag, "expects a value");
    }
    if (flag == "--type") {
      type = changeType(value);
      if (!type) {
        throw sdk::ConfigError(flag, fmt::format("unknown change type \"{}\" (ZONE_CREATE, ZONE_UPDATE, ZONE_DELETE, "
                                                 "RECORD_CREATE, RECORD_UPDATE, RECORD_DELETE)",
                                                 value));
      }
    } else if (flag == "--name") {
      if (value.empty() || value == ".") throw sdk::ConfigError(flag, "expected a DNS name such as example.test.");
      name = value.back() == '.' ? value : value + ".";
    } else if (flag == "--serial") {
      serial = parseSerial(value);
    } else if (flag == "--rdatatype") {
      rdatatype = value;
    } else if (flag == "--rdata") {
      rdata = value;
    } else {
      start_time = parseStartTime(value, now);
    }
  }
  if (!type) throw sdk::ConfigError("--type", "required (see --help)");
  if (!name) throw sdk::ConfigError("--name", "required (see --help)");
  const bool record = isRecordChange(*type);
  if (!record && (rdatatype || rdata)) {
    throw sdk::ConfigError(rdata ? "--rdata" : "--rdatatype", "only for RECORD_* changes");
  }
  if (serial && *type != Type::kZoneUpdate) throw sdk::ConfigError("--serial", "only for ZONE_UPDATE");
  if ((*type == Type::kRecordCreate || *type == Type::kRecordUpdate) && (!rdata || rdata->empty())) {
    throw sdk::ConfigError("--rdata", fmt::format("required for {}", sdk::changeTypeName(*type)));
  }
  sdk::DnsChange& change = out.change;
  change.type = *type;
  change.name = *name;
  change.zone = record ? std::string() : *name;
  change.rdatatype = record ? rdatatype.value_or("A") : std::string();
  change.rdata = rdata.value_or("");
  change.serial = serial;
  change.start_time = start_time;
  (void)questionFor(change);  // an unknown --rdatatype fails here, before any query
  return out;
}

std::string observationLine(const NameserverAddress& nameserver, const sdk::DnsChange& change,
                            const ObservationResult& result) {
  boost::json::object line;
  line["nameserver"] = nameserver.label;
  line["type"] = sdk::changeTypeName(change.type);
  line["name"] = change.name;
  line["propagated"] = result.propagated;
  line["seconds"] = std::round(result.seconds * 1e6) / 1e6;
  if (result.error.empty()) {
    line["error"] = nullptr;
  } else {
    line["error"] = result.error;
  }
  line["answer"] = result.answer;
  line["queries"] = result.queries;
  return boost::json::serialize(line);
}

int runObserveCommand(const sdk::CommandContext& command, std::ostream& out, std::ostream& err) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  ObserveArguments arguments;
  std::shared_ptr<const Settings> settings;
  try {
    arguments = parseObserveArguments(command.args, now);
    if (arguments.help) {
      out << observeUsage();
      return 0;
    }
    settings = std::make_shared<const Settings>(parseSettings(*command.config));
  } catch (const sdk::Error& error) {
    err << "accurate " << kCommand << ": " << error.what() << "\n";
    return 2;
  }

  /// What the observations share with the waiting body; kept alive by every completion handler.
  struct Shared {
    std::vector<ObservationResult> results;  ///< per nameserver
    std::size_t remaining = 0;               ///< observations not finished
    std::optional<boost::asio::steady_timer> done;  ///< cancelled when the last one finishes
  };
  return command.run([&](sdk::UserContext& ctx) -> boost::asio::awaitable<int> {
    auto shared = std::make_shared<Shared>();
    const std::size_t n = settings->nameservers.size();
    shared->results.resize(n);
    shared->remaining = n;
    shared->done.emplace(ctx.executor(), boost::asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < n; ++i) {
      ObservationParams params{arguments.change,        settings->nameservers[i],
                               settings->interval,      settings->timeout,
                               settings->query_timeout, std::make_shared<NameserverLimits>(settings->max_inflight,
                                                                                           settings->max_qps)};
      boost::asio::co_spawn(ctx.executor(), observeChange(ctx, std::move(params)),
                            [shared, i](std::exception_ptr failure, ObservationResult result) {
                              if (failure) {
                                result = {};
                                try {
                                  std::rethrow_exception(failure);
                                } catch (const std::exception& e) {
                                  result.error = e.what();
                                } catch (...) {
                                  result.error = "unknown error";
                                }
                              }
                              shared->results[i] = std::move(result);
                              if (--shared->remaining == 0) shared->done->cancel();
                            });
    }
    while (shared->remaining > 0) {
      boost::system::error_code ignored;
      co_await shared->done->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    int code = 0;
    for (std::size_t i = 0; i < n; ++i) {
      out << observationLine(settings->nameservers[i], arguments.change, shared->results[i]) << std::endl;
      if (!shared->results[i].propagated) code = 1;
    }
    co_return code;
  });
}

sdk::CommandSpec makeObserveCommand() {
  sdk::CommandSpec spec;
  spec.name = "digaas observe";
  spec.help = "Time one DNS change on the configured nameservers with the built-in poller (see --help)";
  spec.run = [](const sdk::CommandContext& command) { return runObserveCommand(command, std::cout, std::cerr); };
  return spec;
}

}  // namespace accurate::digaas
