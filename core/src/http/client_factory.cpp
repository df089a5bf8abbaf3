#include "http/client_factory.hpp"

#include "http/client.hpp"
#include "http/shard_http.hpp"

namespace accurate::http {

std::unique_ptr<ShardHttp> makeShardHttp(boost::asio::io_context& io, const HttpOptions& options) {
  return std::make_unique<ShardHttp>(io, options);
}

std::unique_ptr<sdk::HttpClient> makeHttpClient(ShardHttp& shard, const std::string& base_url,
                                                sdk::StatsRecorder& recorder) {
  return std::make_unique<HttpClientImpl>(shard, parseBaseUrl(base_url), recorder);
}

void stopClient(sdk::HttpClient& client) noexcept {
  if (auto* impl = dynamic_cast<HttpClientImpl*>(&client)) impl->stop();
}

void closeAll(ShardHttp& shard) { shard.closeAll(); }

}  // namespace accurate::http
