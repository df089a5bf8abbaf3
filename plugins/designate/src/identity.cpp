// Authentication of Designate requests: token requests and responses, the token cache, DesignateClient.
#include "identity.hpp"

#include "pager.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace accurate::designate {
namespace {

using std::chrono::system_clock;

bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// Sets header @p name to @p text, replacing a header of the same name.
void setHeader(sdk::HttpHeaders& headers, std::string_view name, std::string text) {
  for (auto& header : headers) {
    if (sameName(header.first, name)) {
      header.second = std::move(text);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(text));
}

bool isV3(AuthMode mode) { return mode == AuthMode::kKeystonePassword || mode == AuthMode::kKeystoneAppCredential; }

/// Reads @p count digits at @p pos of @p text.
bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  const char* first = text.data() + pos;
  const auto [ptr, ec] = std::from_chars(first, first + count, out);
  return ec == std::errc() && ptr == first + count;
}

/// Parses an ISO 8601 date-time "YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]"; no zone means UTC.
std::optional<system_clock::time_point> parseIsoTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || !digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::size_t pos = 19;
  std::chrono::microseconds fraction{0};
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    const std::size_t start = pos;
    std::int64_t scale = 100000;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      fraction += std::chrono::microseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (pos < text.size()) {
    const char sign = text[pos];
    if ((sign == 'Z' || sign == 'z') && pos + 1 == text.size()) {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      int oh = 0, om = 0;
      std::string_view zone = text.substr(pos + 1);
      if (!digits(zone, 0, 2, oh)) return std::nullopt;
      if (zone.size() == 5 && zone[2] == ':') {
        if (!digits(zone, 3, 2, om)) return std::nullopt;
      } else if (zone.size() == 4) {
        if (!digits(zone, 2, 2, om)) return std::nullopt;
      } else if (zone.size() != 2) {
        return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset = std::chrono::hours(oh) + std::chrono::minutes(om);
      if (sign == '-') offset = -offset;
      pos = text.size();
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;
  const system_clock::time_point local = std::chrono::sys_days(date) + std::chrono::hours(hour) +
                                         std::chrono::minutes(minute) + std::chrono::seconds(second) + fraction;
  return local - offset;
}

/// The string at @p path inside @p root (objects only), or nullptr.
const boost::json::string* stringAt(const boost::json::value& root, std::initializer_list<std::string_view> path) {
  const boost::json::value* at = &root;
  for (const std::string_view key : path) {
    if (!at->is_object()) return nullptr;
    at = at->get_object().if_contains(key);
    if (at == nullptr) return nullptr;
  }
  return at->is_string() ? &at->get_string() : nullptr;
}

/// Keystone's or Rackspace's error message from an error body ({"error": {"message": ...}} or
/// {"unauthorized": {"message": ...}}), shortened; "" when there is none.
std::string identityMessage(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  if (ec || !root.is_object()) return {};
  for (const auto& entry : root.get_object()) {
    if (!entry.value().is_object()) continue;
    if (const auto* message = entry.value().get_object().if_contains("message"); message && message->is_string()) {
      std::string text(message->get_string());
      std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
      if (text.size() > 160) {
        text.resize(157);
        text += "...";
      }
      return text;
    }
  }
  return {};
}

/// Parses the body of a successful token response; the token value comes from @p header_token (v3) or the body.
TokenOutcome parseSuccess(AuthMode mode, const sdk::HttpResponse& response) {
  TokenOutcome out;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(response.body, ec);
  if (ec || !root.is_object()) {
    out.error = "identity response is not a JSON object";
    return out;
  }
  Token token;
  const boost::json::string* expires = nullptr;
  std::string_view expires_name;
  if (isV3(mode)) {
    const std::string_view subject = response.header("X-Subject-Token");
    if (subject.empty()) {
      out.error = "identity response has no X-Subject-Token header";
      return out;
    }
    token.value = std::string(subject);
    expires = stringAt(root, {"token", "expires_at"});
    expires_name = "token.expires_at";
  } else {
    const boost::json::string* id = stringAt(root, {"access", "token", "id"});
    if (id == nullptr || id->empty()) {
      out.error = "identity response has no access.token.id";
      return out;
    }
    token.value = std::string(*id);
    expires = stringAt(root, {"access", "token", "expires"});
    expires_name = "access.token.expires";
  }
  if (expires == nullptr) {
    out.error = fmt::format("identity response has no {}", expires_name);
    return out;
  }
  const auto when = parseIsoTime(*expires);
  if (!when) {
    out.error = fmt::format("identity response has an unreadable {} {}", expires_name,
                            boost::json::serialize(boost::json::value(*expires)).substr(0, 48));
    return out;
  }
  token.expires_at = *when;
  token.obtained_at = system_clock::now() - response.elapsed;
  out.token = std::move(token);
  return out;
}

}  // namespace

sdk::HttpRequest tokenRequest(const AuthSettings& auth, const Tenant& tenant) {
  std::string base = auth.identity_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  sdk::HttpRequest request;
  request.method = "POST";
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.keep_headers = true;
  request.keep_body = true;
  boost::json::object identity;
  boost::json::object auth_body;
  if (isV3(auth.mode)) {
    request.target = base + (base.ends_with("/v3") ? "/auth/tokens" : "/v3/auth/tokens");
    request.name = "/v3/auth/tokens";
    request.expected_status = {201};
    if (auth.mode == AuthMode::kKeystonePassword) {
      boost::json::object domain;
      domain["name"] = tenant.user_domain;
      boost::json::object user;
      user["name"] = tenant.username;
      user["domain"] = std::move(domain);
      user["password"] = tenant.password;
      boost::json::object password;
      password["user"] = std::move(user);
      identity["methods"] = boost::json::array{"password"};
      identity["password"] = std::move(password);
      boost::json::object project;
      project["id"] = tenant.project_id;
      boost::json::object scope;
      scope["project"] = std::move(project);
      auth_body["identity"] = std::move(identity);
      auth_body["scope"] = std::move(scope);
    } else {
      boost::json::object credential;
      credential["id"] = tenant.app_credential_id;
      credential["secret"] = tenant.app_credential_secret;
      identity["methods"] = boost::json::array{"application_credential"};
      identity["application_credential"] = std::move(credential);
      auth_body["identity"] = std::move(identity);
    }
  } else {
    request.target = base + (base.ends_with("/v2.0") ? "/tokens" : "/v2.0/tokens");
    request.name = "/v2.0/tokens";
    request.expected_status = {200};
    boost::json::object credentials;
    credentials["username"] = tenant.username;
    credentials["apiKey"] = tenant.api_key;
    auth_body["RAX-KSKEY:apiKeyCredentials"] = std::move(credentials);
  }
  boost::json::object body;
  body["auth"] = std::move(auth_body);
  request.body = boost::json::serialize(body);
  // A 201/200 without a usable token is a failed token request too.
  request.validate = [mode = auth.mode](const sdk::HttpResponse& response) {
    TokenOutcome outcome = parseSuccess(mode, response);
    return outcome.token ? std::string() : outcome.error;
  };
  return request;
}

TokenOutcome parseTokenResponse(AuthMode mode, const sdk::HttpResponse& response) {
  const unsigned success = isV3(mode) ? 201 : 200;
  if (response.status == success) return parseSuccess(mode, response);
  TokenOutcome out;
  if (response.status == 0) {
    out.error = fmt::format("identity request failed: {}", response.error.empty() ? "no response" : response.error);
    return out;
  }
  const std::string message = identityMessage(response.body);
  out.error = message.empty() ? fmt::format("identity answered HTTP {} (expected {})", response.status, success)
                              : fmt::format("identity answered HTTP {} (expected {}): {}", response.status, success,
                                            message);
  return out;
}

TokenNeed tokenNeed(const std::optional<Token>& cached, system_clock::time_point now,
                    std::chrono::seconds renew_before) {
  if (!cached || cached->value.empty() || now >= cached->expires_at) return TokenNeed::kFetch;
  system_clock::duration window = renew_before;
  if (cached->obtained_at != system_clock::time_point{} && cached->obtained_at < cached->expires_at) {
    const system_clock::duration lifetime = cached->expires_at - cached->obtained_at;
    if (window >= lifetime) window = lifetime / 10;
  }
  return now >= cached->expires_at - window ? TokenNeed::kFetch : TokenNeed::kUseCached;
}

DesignateClient::DesignateClient(AuthSettings auth, const std::vector<Tenant>& tenants)
    : auth_(std::move(auth)), tenants_(tenants) {
  for (const Tenant& tenant : tenants_) {
    auto slot = std::make_unique<Slot>();
    slot->project_id = tenant.project_id;
    if (!slots_.emplace(tenant.project_id, std::move(slot)).second) {
      throw sdk::Error(fmt::format("designate client: tenant \"{}\" is given twice", tenant.project_id));
    }
  }
}

std::string DesignateClient::prefix(const Tenant& tenant) const {
  return auth_.tenant_in_url ? "/v2/" + tenant.project_id : std::string("/v2");
}

void DesignateClient::addStaticHeaders(const Tenant& tenant, sdk::HttpRequest& request) const {
  if (auth_.mode == AuthMode::kNoAuth) setHeader(request.headers, "X-Auth-Project-ID", tenant.project_id);
  if (auth_.all_projects) setHeader(request.headers, "X-Auth-All-Projects", "true");
  if (!auth_.sudo_project.empty()) setHeader(request.headers, "X-Auth-Sudo-Project-ID", auth_.sudo_project);
}

DesignateClient::Slot& DesignateClient::slotOf(const Tenant& tenant) {
  const auto found = slots_.find(tenant.project_id);
  if (found == slots_.end()) {
    throw sdk::Error(fmt::format("designate client: unknown tenant \"{}\"", tenant.project_id));
  }
  return *found->second;
}

void DesignateClient::dropToken(Slot& slot, const std::string& used) {
  const std::lock_guard lock(mutex_);
  if (slot.token && slot.token->value == used) slot.token.reset();
}

boost::asio::awaitable<TokenOutcome> DesignateClient::token(sdk::UserContext& ctx, const Tenant& tenant) {
  // How long other users keep using a still valid token while one of them renews it.
  constexpr auto kRenewalGrace = std::chrono::seconds(60);
  Slot& slot = slotOf(tenant);
  const auto started = system_clock::now();
  const auto started_steady = std::chrono::steady_clock::now();
  {
    const std::lock_guard lock(mutex_);
    if (tokenNeed(slot.token, started, auth_.renew_before) == TokenNeed::kUseCached) {
      co_return TokenOutcome{slot.token, {}};
    }
    const bool still_valid = slot.token && started < slot.token->expires_at;
    if (still_valid && slot.renewing_since && started_steady - *slot.renewing_since < kRenewalGrace) {
      co_return TokenOutcome{slot.token, {}};
    }
    slot.renewing_since = started_steady;
  }
  TokenOutcome outcome;
  try {
    const sdk::HttpRequest request = tokenRequest(auth_, tenant);
    const sdk::HttpResponse response = co_await ctx.http().send(request);
    outcome = parseTokenResponse(auth_.mode, response);
  } catch (...) {
    const std::lock_guard lock(mutex_);
    slot.renewing_since.reset();
    throw;
  }
  if (outcome.token) outcome.token->obtained_at = started;
  const std::lock_guard lock(mutex_);
  if (outcome.token) slot.token = outcome.token;
  slot.renewing_since.reset();
  co_return outcome;
}

boost::asio::awaitable<sdk::HttpResponse> DesignateClient::send(sdk::UserContext& ctx, const Tenant& tenant,
                                                                sdk::HttpRequest request) {
  addStaticHeaders(tenant, request);
  if (auth_.mode == AuthMode::kNoAuth) co_return co_await ctx.http().send(request);

  const auto started = std::chrono::steady_clock::now();
  Slot& slot = slotOf(tenant);
  sdk::HttpResponse response;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const TokenOutcome outcome = co_await token(ctx, tenant);
    if (!outcome.token) {
      sdk::HttpResponse failed;
      failed.error = fmt::format("no token for project {}: {}", tenant.project_id, outcome.error);
      failed.elapsed =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      if (request.record) {
        const std::string name = request.name.empty() ? targetOf(request.target) : request.name;
        ctx.stats().record(sdk::Sample{request.method, name, static_cast<std::uint64_t>(failed.elapsed.count()), 0,
                                       failed.error});
      }
      co_return failed;
    }
    setHeader(request.headers, "X-Auth-Token", outcome.token->value);
    response = co_await ctx.http().send(request);
    if (response.status != 401) break;
    dropToken(slot, outcome.token->value);  // rejected: the next attempt fetches a new one
  }
  co_return response;
}

boost::asio::awaitable<std::vector<std::string>> DesignateClient::warmUp(sdk::UserContext& ctx) {
  std::vector<std::string> failures;
  if (auth_.mode == AuthMode::kNoAuth) co_return failures;
  for (const Tenant& tenant : tenants_) {
    const TokenOutcome outcome = co_await token(ctx, tenant);
    if (!outcome.token) failures.push_back(fmt::format("project {}: {}", tenant.project_id, outcome.error));
  }
  co_return failures;
}

}  // namespace accurate::designate
