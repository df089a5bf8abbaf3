#include "basic_header.hpp"

#include "password_hash.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace accurate::auth {
namespace {

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Credentials malformed(std::string problem) {
  Credentials credentials;
  credentials.kind = Credentials::Kind::kMalformed;
  credentials.problem = std::move(problem);
  return credentials;
}

/// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
bool isB64Token(std::string_view token) {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    const char c = token[i];
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ||
                    c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i) {
    if (token[i] != '=') return false;
  }
  return true;
}

Credentials parseBasic(std::string_view encoded) {
  if (encoded.empty()) return malformed("empty Basic credentials");
  std::string decoded(encoded.size(), '\0');  // base64 decodes to fewer bytes than it has characters
  std::size_t length = 0;
  const int variant = encoded.size() % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), encoded.data(),
                        encoded.size(), nullptr, &length, &end, variant) != 0 ||
      end != encoded.data() + encoded.size()) {
    wipe(decoded);
    return malformed("Basic credentials are not valid base64");
  }
  decoded.resize(length);
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    wipe(decoded);
    return malformed("Basic credentials have no ':' between user and password");
  }
  Credentials credentials;
  credentials.kind = Credentials::Kind::kBasic;
  credentials.user = decoded.substr(0, colon);
  credentials.password = decoded.substr(colon + 1);
  wipe(decoded);
  if (credentials.user.empty()) return malformed("empty user name in Basic credentials");
  if (credentials.password.empty()) return malformed("empty password in Basic credentials");
  return credentials;
}

}  // namespace

Credentials::~Credentials() {
  wipe(password);
  wipe(token);
}

Credentials parseAuthorization(std::string_view value) {
  if (value.size() > kMaxAuthorizationBytes) return malformed("Authorization header longer than 4096 bytes");
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return malformed("empty Authorization header");
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return malformed("Authorization header without credentials");
  const std::string_view scheme = value.substr(0, space);
  std::string_view rest = value.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (equalsNoCase(scheme, "Basic")) return parseBasic(rest);
  if (equalsNoCase(scheme, "Bearer")) {
    if (!isB64Token(rest)) return malformed("Bearer token has characters outside RFC 6750's token68");
    Credentials credentials;
    credentials.kind = Credentials::Kind::kBearer;
    credentials.token = std::string(rest);
    return credentials;
  }
  return malformed("unsupported Authorization scheme (use Basic or Bearer)");
}

Credentials credentialsOf(const sdk::HttpHeaders& headers) {
  const std::string* found = nullptr;
  for (const auto& [name, value] : headers) {
    if (!equalsNoCase(name, "Authorization")) continue;
    if (found != nullptr) return malformed("more than one Authorization header");
    found = &value;
  }
  if (found == nullptr) return Credentials{};
  return parseAuthorization(*found);
}

}  // namespace accurate::auth
