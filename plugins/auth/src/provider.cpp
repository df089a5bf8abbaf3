#include "provider.hpp"

#include "basic_header.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

namespace accurate::auth {
namespace {

std::string dummyHashFor(const UserTable& users) {
  HashLimits limits = interactiveLimits();
  if (!users.empty()) {
    if (const auto first = argon2idLimits(users.begin()->second)) limits = *first;
  }
  unsigned char random[16];
  ensureSodium();
  randombytes_buf(random, sizeof random);
  return hashPassword(toHex(random, sizeof random), limits);
}

}  // namespace

AuthProvider::AuthProvider(ProviderSettings settings, ProviderClocks clocks, PasswordVerifier verifier)
    : settings_(std::move(settings)),
      clocks_(std::move(clocks)),
      verifier_(std::move(verifier)),
      dummy_hash_(dummyHashFor(settings_.users)),
      throttle_(settings_.throttle, clocks_.steady),
      cache_(settings_.cache_ttl, clocks_.steady) {
  settings_.max_concurrent_verifications = std::max(1u, settings_.max_concurrent_verifications);
}

unsigned long AuthProvider::verifications() const {
  const std::lock_guard lock(slots_mutex_);
  return verifications_;
}

sdk::AuthDecision AuthProvider::refuse(unsigned status, sdk::HttpHeaders headers) const {
  sdk::AuthDecision decision;
  decision.allowed = false;
  decision.status = status;
  decision.headers = std::move(headers);
  return decision;
}

sdk::AuthDecision AuthProvider::basicChallenge() const {
  return refuse(401, {{"WWW-Authenticate", "Basic realm=\"" + settings_.realm + "\", charset=\"UTF-8\""}});
}

sdk::AuthDecision AuthProvider::fail(const std::string& address_key, sdk::AuthDecision decision) {
  if (throttle_.recordFailure(address_key)) {
    spdlog::warn("auth: {} locked for {} s after {} failed logins", address_key, settings_.throttle.lockout.count(),
                 settings_.throttle.max_failures);
  }
  return decision;
}

sdk::AuthDecision AuthProvider::authenticate(const sdk::WebRequestInfo& request) {
  const std::string key = addressKey(request.remote_addr);
  if (const auto locked = throttle_.lockedFor(key)) {
    return refuse(429, {{"Retry-After", std::to_string(locked->count())}});
  }
  Credentials credentials = credentialsOf(request.headers);
  switch (credentials.kind) {
    case Credentials::Kind::kNone:
      return basicChallenge();  // a browser's first request: not a failed attempt
    case Credentials::Kind::kMalformed:
      spdlog::debug("auth: malformed Authorization header from {}: {}", request.remote_addr, credentials.problem);
      return fail(key, basicChallenge());
    case Credentials::Kind::kBearer:
      return checkBearer(key, request.remote_addr, credentials.token);
    case Credentials::Kind::kBasic:
      return checkBasic(key, request.remote_addr, credentials.user, credentials.password);
  }
  return basicChallenge();
}

std::optional<bool> AuthProvider::verifyBounded(const std::string& hash, const std::string& password) {
  {
    std::unique_lock lock(slots_mutex_);
    if (!slot_freed_.wait_for(lock, settings_.verification_wait,
                              [&] { return busy_slots_ < settings_.max_concurrent_verifications; })) {
      return std::nullopt;
    }
    ++busy_slots_;
    ++verifications_;
  }
  const bool ok = verifier_(hash, password);
  {
    const std::lock_guard lock(slots_mutex_);
    --busy_slots_;
  }
  slot_freed_.notify_one();
  return ok;
}

sdk::AuthDecision AuthProvider::checkBasic(const std::string& address_key, const std::string& remote_addr,
                                           const std::string& user, const std::string& password) {
  const auto it = settings_.users.find(user);
  const bool known = it != settings_.users.end();
  if (known && cache_.contains(user, password)) {
    sdk::AuthDecision allowed;
    allowed.allowed = true;
    allowed.status = 200;
    allowed.principal = user;
    return allowed;
  }
  // Unknown users are verified against a dummy hash of the same cost, so the answer takes as long.
  const auto verified = verifyBounded(known ? it->second : dummy_hash_, password);
  if (!verified) {
    spdlog::warn("auth: too many logins being verified at once; asked {} to retry", remote_addr);
    return refuse(503, {{"Retry-After", "1"}});
  }
  if (*verified && known) {
    cache_.remember(user, password);
    sdk::AuthDecision allowed;
    allowed.allowed = true;
    allowed.status = 200;
    allowed.principal = user;
    return allowed;
  }
  // Only a configured name is logged: an unknown "name" may be a password typed into the wrong field.
  if (known) {
    spdlog::warn("auth: failed login for user '{}' from {}", user, remote_addr);
  } else {
    spdlog::warn("auth: failed login for an unknown user from {}", remote_addr);
  }
  return fail(address_key, basicChallenge());
}

sdk::AuthDecision AuthProvider::checkBearer(const std::string& address_key, const std::string& remote_addr,
                                            const std::string& token) {
  const auto digest = tokenDigest(token);
  const TokenRecord* match = nullptr;
  for (const TokenRecord& record : settings_.tokens) {  // every record is compared: no early exit
    if (sodium_memcmp(digest.data(), record.sha256.data(), digest.size()) == 0) match = &record;
  }
  const auto bearerError = [&](const char* description) {
    return refuse(401, {{"WWW-Authenticate", "Bearer realm=\"" + settings_.realm +
                                                 "\", error=\"invalid_token\", error_description=\"" + description +
                                                 "\""}});
  };
  if (match == nullptr) {
    spdlog::warn("auth: unknown bearer token from {}", remote_addr);
    return fail(address_key, bearerError("unknown token"));
  }
  if (match->expires && clocks_.system() >= *match->expires) {
    spdlog::warn("auth: expired bearer token '{}' from {}", match->name, remote_addr);
    return fail(address_key, bearerError("token expired"));
  }
  sdk::AuthDecision allowed;
  allowed.allowed = true;
  allowed.status = 200;
  allowed.principal = "token:" + match->name;
  return allowed;
}

}  // namespace accurate::auth
