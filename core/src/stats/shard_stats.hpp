#pragma once
/// @file shard_stats.hpp
/// Per-shard statistics: recorded without locks by the shard's own thread, handed to the aggregator as deltas.

#include <accurate/sdk/stats.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace accurate::stats {

/// What one shard recorded since its previous delta. Moved, never shared.
struct StatsDelta {
  std::vector<sdk::EntryStats> entries;           ///< per (method, name); current_rps fields unused
  std::vector<sdk::ErrorCount> errors;            ///< failures grouped by (method, name, error)
  std::vector<sdk::ExceptionCount> exceptions;    ///< task crashes grouped by message
  std::vector<sdk::CounterValue> counters;        ///< counter increments by name
};

/// Statistics of one shard. Threading: every method runs on the shard's thread only.
class ShardStats final : public sdk::StatsRecorder {
 public:
  /// Records @p sample (response time from the actual send).
  void record(const sdk::Sample& sample) override;
  /// Records @p sample and, in the entry's intended_response_times, response_time_us + @p lag_us: the latency
  /// seen from the intended send time of a paced or open-model user that started @p lag_us late.
  void recordWithLag(const sdk::Sample& sample, std::uint64_t lag_us);
  /// Records a task crash.
  void recordException(std::string_view message) override;
  /// Adds @p n to counter @p counter.
  void count(std::string_view counter, std::uint64_t n = 1) override;
  /// Moves out everything recorded since the previous call and starts empty.
  StatsDelta takeDelta();
  /// Drops everything recorded so far (stats reset).
  void reset();

 private:
  /// Lookup form of an entry key: views, so finding a known entry allocates nothing.
  struct EntryKeyView {
    std::string_view method;  ///< request method or event kind
    std::string_view name;    ///< entry name
  };
  /// Stored form of an entry key.
  struct EntryKey {
    std::string method;  ///< request method or event kind
    std::string name;    ///< entry name
  };
  /// Lookup form of an error key.
  struct ErrorKeyView {
    std::string_view method;  ///< method of the failed sample
    std::string_view name;    ///< entry name of the failed sample
    std::string_view error;   ///< failure reason
  };
  /// Stored form of an error key.
  struct ErrorKey {
    std::string method;  ///< method of the failed sample
    std::string name;    ///< entry name of the failed sample
    std::string error;   ///< failure reason
  };
  /// Transparent hash over both forms of both keys (and plain strings for exceptions).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(EntryKeyView k) const noexcept;
    std::size_t operator()(const EntryKey& k) const noexcept { return (*this)(EntryKeyView{k.method, k.name}); }
    std::size_t operator()(ErrorKeyView k) const noexcept;
    std::size_t operator()(const ErrorKey& k) const noexcept {
      return (*this)(ErrorKeyView{k.method, k.name, k.error});
    }
    std::size_t operator()(std::string_view s) const noexcept;
  };
  /// Transparent equality over both forms of both keys.
  struct KeyEqual {
    using is_transparent = void;
    static EntryKeyView view(const EntryKey& k) noexcept { return {k.method, k.name}; }
    static EntryKeyView view(EntryKeyView k) noexcept { return k; }
    static ErrorKeyView view(const ErrorKey& k) noexcept { return {k.method, k.name, k.error}; }
    static ErrorKeyView view(ErrorKeyView k) noexcept { return k; }
    static std::string_view view(std::string_view s) noexcept { return s; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return same(view(a), view(b));
    }
    static bool same(EntryKeyView a, EntryKeyView b) noexcept { return a.name == b.name && a.method == b.method; }
    static bool same(ErrorKeyView a, ErrorKeyView b) noexcept {
      return a.error == b.error && a.name == b.name && a.method == b.method;
    }
    static bool same(std::string_view a, std::string_view b) noexcept { return a == b; }
  };

  /// Finds or creates the entry of @p sample and adds the sample's counters and response time to it.
  sdk::EntryStats& add(const sdk::Sample& sample);

  /// Per (method, name); the entries' own method/name stay empty until takeDelta moves the key into them.
  std::unordered_map<EntryKey, sdk::EntryStats, KeyHash, KeyEqual> entries_;
  /// Failure counts per (method, name, error).
  std::unordered_map<ErrorKey, std::uint64_t, KeyHash, KeyEqual> errors_;
  /// Task crash counts per message.
  std::unordered_map<std::string, std::uint64_t, KeyHash, KeyEqual> exceptions_;
  /// Counter increments per name.
  std::unordered_map<std::string, std::uint64_t, KeyHash, KeyEqual> counters_;
};

}  // namespace accurate::stats
