#include "app/ctl.hpp"

#include "runtime/run_state.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <array>
#include <charconv>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

namespace accurate::app {
namespace {

constexpr std::array<std::string_view, 6> kStates = {"ready", "setup", "spawning", "running", "stopping", "stopped"};

/// What the ctl command line asked for beyond the core options.
struct CtlArgs {
  std::string action;                   ///< start, stop, reset, status, wait
  std::string wait_state;               ///< wait: the state to wait for
  double timeout_s = 60;                ///< wait: how long to wait, seconds
  std::string url;                      ///< web UI base URL ("" = from --web-host/--web-port)
  std::string ca_file;                  ///< CA bundle for TLS verification ("" = the system's)
};

CtlArgs parseCtlArgs(const std::vector<std::string>& args) {
  CtlArgs ctl;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= args.size()) throw sdk::Error(fmt::format("ctl: {} needs a value", flag));
      return args[++i];
    };
    if (arg == "--timeout") {
      const std::string text = value("--timeout");
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ctl.timeout_s);
      if (ec != std::errc() || end != text.data() + text.size() || !(ctl.timeout_s > 0))
        throw sdk::Error(fmt::format("ctl: --timeout: expected a positive number of seconds, got \"{}\"", text));
    } else if (arg == "--url") {
      ctl.url = value("--url");
    } else if (arg == "--ca-file") {
      ctl.ca_file = value("--ca-file");
    } else if (arg.starts_with("-")) {
      throw sdk::Error(fmt::format("ctl: {}: unknown option (see `accurate ctl --help`)", arg));
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty()) throw sdk::Error("ctl: expected an action: start, stop, reset, status or wait STATE");
  ctl.action = words.front();
  const bool known = ctl.action == "start" || ctl.action == "stop" || ctl.action == "reset" ||
                     ctl.action == "status" || ctl.action == "wait";
  if (!known) throw sdk::Error(fmt::format("ctl: unknown action \"{}\" (start, stop, reset, status, wait)", ctl.action));
  if (ctl.action == "wait") {
    if (words.size() != 2) throw sdk::Error("ctl: wait: expected one state (ready, spawning, running, stopped, ...)");
    ctl.wait_state = words[1];
    if (std::find(kStates.begin(), kStates.end(), ctl.wait_state) == kStates.end())
      throw sdk::Error(fmt::format("ctl: wait: unknown state \"{}\" (ready, setup, spawning, running, stopping, "
                                   "stopped)", ctl.wait_state));
  } else if (words.size() != 1) {
    throw sdk::Error(fmt::format("ctl: {}: unexpected argument \"{}\"", ctl.action, words[1]));
  }
  return ctl;
}

/// Talks to the web UI; one line per problem.
class CtlClient {
 public:
  CtlClient(const config::Config& config, const CtlArgs& args) : url_(args.url) {
    if (url_.empty()) {
      const std::string host = config.web_host == "0.0.0.0" || config.web_host == "::" ? "127.0.0.1" : config.web_host;
      url_ = fmt::format("{}://{}:{}", config.tls_cert ? "https" : "http",
                         host.find(':') != std::string::npos ? "[" + host + "]" : host, config.web_port);
    }
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    if (!url_.starts_with("http://") && !url_.starts_with("https://"))
      throw sdk::Error(fmt::format("ctl: --url: expected http://HOST:PORT or https://HOST:PORT, got \"{}\"", url_));
    client_ = std::make_unique<httplib::Client>(url_);
    client_->set_connection_timeout(std::chrono::seconds(5));
    client_->set_read_timeout(std::chrono::seconds(30));
    client_->enable_server_certificate_verification(!config.insecure);
    if (!args.ca_file.empty()) client_->set_ca_cert_path(args.ca_file.c_str());
    if (config.web_token) {
      client_->set_bearer_token_auth(config.web_token->c_str());
    } else if (config.web_user) {
      client_->set_basic_auth(config.web_user->c_str(), config.web_password.value_or("").c_str());
    }
  }

  /// GET or POST @p path; the parsed JSON (or text) answer. Throws sdk::Error when the UI cannot be reached;
  /// returns the status for the caller to judge.
  std::pair<int, std::string> call(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Result result = method == "POST" ? client_->Post(path.c_str(), body, "application/json")
                                              : client_->Get(path.c_str());
    if (!result) {
      std::string reason = httplib::to_string(result.error());
      if (result.error() == httplib::Error::SSLServerVerification)
        reason += " (use --ca-file for a private CA, or --insecure)";
      throw sdk::Error(fmt::format("ctl: cannot reach the web UI at {}: {}", url_, reason));
    }
    return {result->status, result->body};
  }

  /// Throws sdk::Error with a one-line reason for an authentication refusal.
  void checkAuth(int status, const std::string& body) const {
    if (status == 401)
      throw sdk::Error(fmt::format("ctl: the web UI at {} refused the credentials (401): give ACCURATE_WEB_TOKEN, or "
                                   "--web-user with ACCURATE_WEB_PASSWORD", url_));
    if (status == 429)
      throw sdk::Error(fmt::format("ctl: the web UI at {} refused: too many failed logins from here (429); {}", url_,
                                   messageOf(body)));
  }

  /// The "message" of a JSON answer, or the body's first line.
  static std::string messageOf(const std::string& body) {
    boost::system::error_code error;
    const boost::json::value json = boost::json::parse(body, error);
    if (!error && json.is_object() && json.as_object().contains("message") && json.at("message").is_string()) {
      std::string message(json.at("message").get_string());
      if (const auto* detail = json.as_object().if_contains("detail"); detail && detail->is_string())
        message += fmt::format(" ({})", std::string_view(detail->get_string()));
      return message;
    }
    return body.substr(0, body.find('\n'));
  }

  const std::string& url() const noexcept { return url_; }

 private:
  std::string url_;                          ///< base URL
  std::unique_ptr<httplib::Client> client_;  ///< blocking client (a CLI tool: blocking is what we want)
};

std::string jsonString(const boost::json::value& json, std::string_view key) {
  if (!json.is_object()) return {};
  const auto* v = json.as_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t jsonInt(const boost::json::value& json, std::string_view key) {
  if (!json.is_object()) return 0;
  const auto* v = json.as_object().if_contains(key);
  return v && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

/// GET /status parsed; throws for a non-JSON or refused answer.
boost::json::value status(CtlClient& client) {
  const auto [code, body] = client.call("GET", "/status");
  client.checkAuth(code, body);
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(body, error);
  if (code != 200 || error || !json.is_object())
    throw sdk::Error(fmt::format("ctl: GET {}/status answered {} with something that is not the status JSON",
                                 client.url(), code));
  return json;
}

std::string statusLine(const boost::json::value& json) {
  std::string line = fmt::format("{}: {} users (target {})", jsonString(json, "state"), jsonInt(json, "user_count"),
                                 jsonInt(json, "target_user_count"));
  if (const std::string host = jsonString(json, "host"); !host.empty()) line += " against " + host;
  if (const std::string report = jsonString(json, "last_report_id"); !report.empty()) line += "; last report " + report;
  return line;
}

}  // namespace

int runCtl(const config::Config& config, const std::vector<std::string>& args) {
  const CtlArgs ctl = parseCtlArgs(args);
  CtlClient client(config, ctl);
  if (ctl.action == "status") {
    const boost::json::value json = status(client);
    std::cout << (config.json ? boost::json::serialize(json) : statusLine(json)) << '\n';
    return 0;
  }
  if (ctl.action == "wait") {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(ctl.timeout_s);
    for (;;) {
      const boost::json::value json = status(client);
      if (jsonString(json, "state") == ctl.wait_state) {
        std::cout << statusLine(json) << '\n';
        return 0;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        std::cerr << fmt::format("accurate: ctl: wait: still {} after {} s (waiting for {})\n",
                                 jsonString(json, "state"), ctl.timeout_s, ctl.wait_state);
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  std::pair<int, std::string> answer;
  if (ctl.action == "start") {
    boost::json::object request{{"user_count", config.users}, {"spawn_rate", config.spawn_rate}};
    if (!config.host.empty()) request["host"] = config.host;
    if (config.run_time) request["run_time"] = static_cast<double>(config.run_time->count()) / 1000.0;
    answer = client.call("POST", "/swarm", boost::json::serialize(request));
  } else if (ctl.action == "stop") {
    answer = client.call("GET", "/stop");
  } else {
    answer = client.call("GET", "/stats/reset");
  }
  client.checkAuth(answer.first, answer.second);
  if (answer.first != 200) {
    std::cerr << fmt::format("accurate: ctl: {} refused ({}): {}\n", ctl.action, answer.first,
                             CtlClient::messageOf(answer.second));
    return 1;
  }
  std::cout << (config.json ? answer.second : CtlClient::messageOf(answer.second)) << '\n';
  return 0;
}

}  // namespace accurate::app
