#include "keystone.hpp"

#include "json_writer.hpp"
#include "model.hpp"
#include "text_util.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdio>

namespace accurate::designate_sim {

namespace {

/// The string at @p path inside @p root, or nullptr.
const boost::json::string* stringAt(const boost::json::value& root, std::initializer_list<std::string_view> path) {
  const boost::json::value* at = &root;
  for (const std::string_view key : path) {
    if (!at->is_object()) return nullptr;
    at = at->get_object().if_contains(key);
    if (at == nullptr) return nullptr;
  }
  return at->is_string() ? &at->get_string() : nullptr;
}

bool equals(const boost::json::string* text, std::string_view expected) {
  return text != nullptr && std::string_view(text->data(), text->size()) == expected;
}

SimResponse jsonAnswer(unsigned status, std::string body) {
  SimResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

void writeCatalog(JsonWriter& w, const std::string& base_url, bool v2) {
  w.beginArray();
  const std::pair<const char*, const char*> services[] = {{"dns", "designate"}, {"identity", "keystone"}};
  for (const auto& [type, name] : services) {
    const std::string url = std::string(type) == "dns" ? base_url : base_url + (v2 ? "/v2.0" : "/v3");
    w.beginObject().key("type").value(type).key("name").value(name).key("endpoints").beginArray().beginObject();
    if (v2) {
      w.key("publicURL").value(url).key("internalURL").value(url).key("region").value("RegionOne");
    } else {
      w.key("interface").value("public").key("region").value("RegionOne").key("region_id").value("RegionOne");
      w.key("url").value(url);
    }
    w.endObject().endArray().endObject();
  }
  w.endArray();
}

std::string v2Time(std::int64_t seconds) {
  std::string text = formatKeystoneTime(seconds);  // "...SS.000000Z"
  return text.substr(0, 19) + "Z";
}

}  // namespace

SimResponse identityError(unsigned code, std::string_view title, std::string_view message) {
  JsonWriter w;
  w.beginObject().key("error").beginObject();
  w.key("code").value(static_cast<std::int64_t>(code)).key("title").value(title).key("message").value(message);
  w.endObject().endObject();
  return jsonAnswer(code, std::move(w.str()));
}

Keystone::Keystone(const SimOptions& options, sdk::Rng& rng) : options_(options), rng_(rng) {}

void Keystone::prune(TimePoint now) {
  while (!expiry_.empty() && expiry_.front().first <= now) {
    const auto it = tokens_.find(expiry_.front().second);
    if (it != tokens_.end() && it->second.expires_at <= now) tokens_.erase(it);
    expiry_.pop_front();
  }
}

std::pair<std::string, const TokenInfo*> Keystone::issue(std::size_t user_index, TimePoint now) {
  prune(now);
  const KeystoneUser& user = options_.users[user_index];
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "gAAAAA%016llx%016llx%08llx", static_cast<unsigned long long>(rng_()),
                static_cast<unsigned long long>(rng_()), static_cast<unsigned long long>(++counter_));
  std::string token(buffer);
  const TimePoint expires = now + options_.token_ttl;
  auto [it, inserted] = tokens_.insert_or_assign(token, TokenInfo{user.project_id, user.name, expires});
  expiry_.emplace_back(expires, token);
  return {token, &it->second};
}

const TokenInfo* Keystone::validate(std::string_view token, TimePoint now) {
  prune(now);
  const auto it = tokens_.find(std::string(token));
  if (it == tokens_.end() || it->second.expires_at <= now) return nullptr;
  return &it->second;
}

SimResponse Keystone::issueV3(std::string_view body, const std::string& base_url, TimePoint now) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  if (ec || !root.is_object()) return identityError(400, "Bad Request", "The request body is not valid JSON.");
  const boost::json::value* methods_value = nullptr;
  if (const auto* auth = root.get_object().if_contains("auth"); auth != nullptr && auth->is_object()) {
    if (const auto* identity = auth->get_object().if_contains("identity"); identity && identity->is_object()) {
      methods_value = identity->get_object().if_contains("methods");
    }
  }
  if (methods_value == nullptr || !methods_value->is_array() || methods_value->get_array().empty() ||
      !methods_value->get_array().front().is_string()) {
    return identityError(400, "Bad Request", "Expecting to find identity.methods in auth.");
  }
  const std::string method(methods_value->get_array().front().get_string());
  std::optional<std::size_t> match;
  for (std::size_t i = 0; i < options_.users.size() && !match; ++i) {
    const KeystoneUser& user = options_.users[i];
    if (method == "password") {
      const auto* name = stringAt(root, {"auth", "identity", "password", "user", "name"});
      const auto* id = stringAt(root, {"auth", "identity", "password", "user", "id"});
      const auto* password = stringAt(root, {"auth", "identity", "password", "user", "password"});
      if ((equals(name, user.name) || equals(id, user.name)) && equals(password, user.password)) match = i;
    } else if (method == "application_credential") {
      if (user.app_credential_id.empty()) continue;
      const auto* id = stringAt(root, {"auth", "identity", "application_credential", "id"});
      const auto* name = stringAt(root, {"auth", "identity", "application_credential", "name"});
      const auto* owner = stringAt(root, {"auth", "identity", "application_credential", "user", "name"});
      const auto* secret = stringAt(root, {"auth", "identity", "application_credential", "secret"});
      const bool by_id = equals(id, user.app_credential_id);
      const bool by_name = equals(name, user.app_credential_id) && equals(owner, user.name);
      if ((by_id || by_name) && equals(secret, user.app_credential_secret)) match = i;
    } else {
      return identityError(401, "Unauthorized", "Attempted to authenticate with an unsupported method.");
    }
  }
  if (!match) return identityError(401, "Unauthorized", "The request you have made requires authentication.");
  const KeystoneUser& user = options_.users[*match];
  // A project scope must name the user's project (by id or name; the simulator's project names are their ids).
  const auto* scope_id = stringAt(root, {"auth", "scope", "project", "id"});
  const auto* scope_name = stringAt(root, {"auth", "scope", "project", "name"});
  if ((scope_id != nullptr && !equals(scope_id, user.project_id)) ||
      (scope_name != nullptr && !equals(scope_name, user.project_id))) {
    return identityError(401, "Unauthorized", "User has no access to project");
  }
  const auto [token, info] = issue(*match, now);
  const std::int64_t now_s = unixSeconds(now);
  JsonWriter w;
  w.reserve(1024);
  w.beginObject().key("token").beginObject();
  w.key("methods").beginArray().value(method).endArray();
  w.key("user").beginObject().key("domain").beginObject().key("id").value("default").key("name").value("Default");
  w.endObject().key("id").value(user.name).key("name").value(user.name).key("password_expires_at").null().endObject();
  w.key("audit_ids").beginArray().value(token.substr(token.size() - 22)).endArray();
  w.key("expires_at").value(formatKeystoneTime(unixSeconds(info->expires_at)));
  w.key("issued_at").value(formatKeystoneTime(now_s));
  w.key("project").beginObject().key("domain").beginObject().key("id").value("default").key("name").value("Default");
  w.endObject().key("id").value(user.project_id).key("name").value(user.project_id).endObject();
  w.key("is_domain").value(false);
  w.key("roles").beginArray();
  for (const char* role : {"admin", "member", "reader"}) w.beginObject().key("id").value(role).key("name").value(role).endObject();
  w.endArray();
  w.key("catalog");
  writeCatalog(w, base_url, false);
  w.endObject().endObject();
  SimResponse response = jsonAnswer(201, std::move(w.str()));
  response.headers.emplace_back("X-Subject-Token", token);
  return response;
}

SimResponse Keystone::issueV2(std::string_view body, const std::string& base_url, TimePoint now) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  if (ec || !root.is_object()) return identityError(400, "Bad Request", "The request body is not valid JSON.");
  const auto* key_user = stringAt(root, {"auth", "RAX-KSKEY:apiKeyCredentials", "username"});
  const auto* api_key = stringAt(root, {"auth", "RAX-KSKEY:apiKeyCredentials", "apiKey"});
  const auto* pw_user = stringAt(root, {"auth", "passwordCredentials", "username"});
  const auto* password = stringAt(root, {"auth", "passwordCredentials", "password"});
  if ((key_user == nullptr || api_key == nullptr) && (pw_user == nullptr || password == nullptr)) {
    return identityError(400, "Bad Request", "Expecting apiKeyCredentials or passwordCredentials in auth.");
  }
  std::optional<std::size_t> match;
  for (std::size_t i = 0; i < options_.users.size() && !match; ++i) {
    const KeystoneUser& user = options_.users[i];
    if ((equals(key_user, user.name) && equals(api_key, user.password)) ||
        (equals(pw_user, user.name) && equals(password, user.password))) {
      match = i;
    }
  }
  if (!match) return identityError(401, "Unauthorized", "The request you have made requires authentication.");
  const KeystoneUser& user = options_.users[*match];
  const auto [token, info] = issue(*match, now);
  JsonWriter w;
  w.reserve(768);
  w.beginObject().key("access").beginObject();
  w.key("token").beginObject().key("id").value(token).key("expires").value(v2Time(unixSeconds(info->expires_at)));
  w.key("issued_at").value(v2Time(unixSeconds(now)));
  w.key("tenant").beginObject().key("id").value(user.project_id).key("name").value(user.project_id);
  w.key("enabled").value(true).endObject().endObject();
  w.key("user").beginObject().key("id").value(user.name).key("name").value(user.name).key("roles").beginArray();
  w.beginObject().key("name").value("admin").endObject().endArray().endObject();
  w.key("serviceCatalog");
  writeCatalog(w, base_url, true);
  w.endObject().endObject();
  return jsonAnswer(200, std::move(w.str()));
}

}  // namespace accurate::designate_sim
