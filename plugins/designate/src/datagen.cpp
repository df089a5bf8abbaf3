// Random names, addresses and zone files for Designate writes (see datagen.hpp).
#include "datagen.hpp"

#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace accurate::designate {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
/// Longest run token: keeps the generated zone label within 63 characters.
constexpr std::size_t kMaxRunToken = 24;

std::string base36(std::uint64_t value) {
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value % 36]);
    value /= 36;
  } while (value != 0);
  return out;
}

template <typename Generator>
std::string randomChars(Generator& rng, std::size_t count) {
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string out(count, 'a');
  for (char& c : out) c = kAlphabet[pick(rng)];
  return out;
}

bool tokenChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

std::string absolute(std::string_view name) {
  std::string out(name);
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

}  // namespace

DataGen::DataGen(std::string run_token, std::string zone_suffix)
    : run_token_(std::move(run_token)), zone_suffix_(std::move(zone_suffix)) {
  if (run_token_.empty() || run_token_.size() > kMaxRunToken || run_token_.front() == '-' ||
      run_token_.back() == '-' || !std::all_of(run_token_.begin(), run_token_.end(), tokenChar)) {
    throw sdk::Error(fmt::format("designate data: invalid run token \"{}\" (1 to {} lower-case letters, digits "
                                 "or inner '-')",
                                 run_token_, kMaxRunToken));
  }
  if (!zone_suffix_.empty() && zone_suffix_.back() != '.') zone_suffix_ += '.';
  if (zone_suffix_.size() < 2 || zone_suffix_.front() == '.') {
    throw sdk::Error(fmt::format("designate data: invalid zone suffix \"{}\" (give an absolute domain such as "
                                 "\"accurate.test.\")",
                                 zone_suffix_));
  }
}

std::string DataGen::zoneName(std::uint64_t user_id, std::uint64_t sequence, sdk::Rng& rng) const {
  // <token ≤24>-<user ≤13>-<sequence ≤13>-<6 random> ≤ 59 characters.
  return fmt::format("{}-{}-{}-{}.{}", run_token_, base36(user_id), base36(sequence), randomChars(rng, 6),
                     zone_suffix_);
}

std::string DataGen::recordName(std::string_view zone, sdk::Rng& rng) const {
  return fmt::format("r{}.{}", randomChars(rng, 9), absolute(zone));
}

std::string DataGen::ipv4(sdk::Rng& rng) const {
  std::uniform_int_distribution<unsigned> first(1, 222);  // 1–223 without 127
  std::uniform_int_distribution<unsigned> middle(0, 255);
  std::uniform_int_distribution<unsigned> last(1, 254);
  unsigned a = first(rng);
  if (a >= 127) ++a;
  return fmt::format("{}.{}.{}.{}", a, middle(rng), middle(rng), last(rng));
}

std::uint32_t DataGen::ttl(sdk::Rng& rng, std::uint32_t lo, std::uint32_t hi) const {
  if (lo > hi) std::swap(lo, hi);
  return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
}

std::string DataGen::email(std::string_view zone) {
  while (!zone.empty() && zone.back() == '.') zone.remove_suffix(1);
  return fmt::format("hostmaster@{}", zone);
}

std::string DataGen::zoneFile(std::string_view zone, std::uint32_t serial,
                              const std::vector<std::pair<std::string, std::string>>& a_records) {
  const std::string origin = absolute(zone);
  std::string out = fmt::format(
      "$ORIGIN {0}\n"
      "$TTL 3600\n"
      "{0} IN SOA ns1.{0} hostmaster.{0} {1} 3600 600 86400 3600\n"
      "{0} IN NS ns1.{0}\n",
      origin, serial);
  for (const auto& [owner, address] : a_records) out += fmt::format("{} 3600 IN A {}\n", owner, address);
  return out;
}

std::string DataGen::makeRunToken() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device());
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return randomChars(generator, 10) + base36(static_cast<std::uint64_t>(now));
}

}  // namespace accurate::designate
