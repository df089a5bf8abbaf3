#pragma once
/// @file client_factory.hpp
/// How the runtime creates HTTP clients: one ShardHttp per shard, one client per user.

#include <accurate/sdk/http.hpp>
#include <accurate/sdk/stats.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace accurate::http {

/// Settings shared by every client of a run.
struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5000};   ///< TCP connect + TLS handshake limit
  std::chrono::milliseconds request_timeout{30000};  ///< default whole-exchange limit
  bool insecure = false;                             ///< skip TLS certificate verification
  std::chrono::milliseconds stop_grace{2000};        ///< at a hard stop (stopClient), how much longer a request
                                                     ///< already sent may take to complete
};

/// Per-shard HTTP state shared by the shard's clients (TLS context, timeout watchdog, resolver cache, buffer
/// pool). Threading: the shard's thread only. Must outlive every client created from it.
class ShardHttp;

/// Creates the HTTP state of the shard running @p io.
std::unique_ptr<ShardHttp> makeShardHttp(boost::asio::io_context& io, const HttpOptions& options);

/// Creates one user's client. Relative request targets are resolved against @p base_url
/// (`http(s)://host[:port][/prefix]`); samples go to @p recorder. Throws sdk::ConfigError for a bad base URL.
/// @p shard and @p recorder must outlive the client.
std::unique_ptr<sdk::HttpClient> makeHttpClient(ShardHttp& shard, const std::string& base_url,
                                                sdk::StatsRecorder& recorder);

/// Hard stop of the owner of @p client (a client made by makeHttpClient); call it just before cancelling the
/// owner's coroutines. A request already sent completes (its deadline capped at now + HttpOptions::stop_grace)
/// and is recorded, then its send() throws operation_aborted; a request still connecting is abandoned without
/// a sample; a later send() throws operation_aborted at once; idle connections are closed.
/// Threading: the client's shard thread.
void stopClient(sdk::HttpClient& client) noexcept;

/// Aborts every open connection of @p shard at once: in-flight requests fail with "connection closed at
/// shutdown". For tearing down a shard without a runtime (tests, benchmarks); a run's stop uses stopClient.
void closeAll(ShardHttp& shard);

}  // namespace accurate::http

// The definition of ShardHttp, so whoever owns the unique_ptr above can destroy it.
#include "http/shard_http.hpp"  // IWYU pragma: export
