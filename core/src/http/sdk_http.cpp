// The free functions and HttpResponse helpers declared in the SDK header http.hpp.
#include <accurate/sdk/http.hpp>

#include <boost/beast/core/string.hpp>

#include <cctype>

namespace accurate::sdk {
namespace {

bool isUnreserved(unsigned char c) noexcept {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const noexcept {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return value;
  }
  return {};
}

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (isUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string queryString(std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out.push_back(out.empty() ? '?' : '&');
    out += urlEncode(name);
    out.push_back('=');
    out += urlEncode(value);
  }
  return out;
}

}  // namespace accurate::sdk
