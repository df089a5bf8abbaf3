// http_loop: the core HTTP client in a tight single-thread loop, for comparing its CPU cost per request with wrk.
//
// Usage: http_loop URL [USERS=50] [SECONDS=10] [--keep] [--stats] [--idle [--burst]]
//   USERS coroutines on one io_context each send GET URL back to back through their own client (keep-alive).
//   After a 1 s warm-up it counts completed requests and this process's CPU time (getrusage) for SECONDS and
//   prints: requests, errors, cpu_s, wall_s, requests per CPU-second.
//   --keep   keep response headers and body (default: the hot path, keep_headers = keep_body = false)
//   --stats  record samples into a real stats::ShardStats (default: a counter)
//   --idle   memory mode: each user sends one request, then sleeps with its connection open; prints the RSS
//            growth per user once all have answered (needs USERS+ open files here and in the server); users
//            start at 1000 per second
//   --burst  with --idle: start every user at once (worst case: all first requests in flight together)
#include "http/client_factory.hpp"
#include "stats/shard_stats.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace accurate;

class CountingRecorder final : public sdk::StatsRecorder {
 public:
  void record(const sdk::Sample&) override {}
  void recordException(std::string_view) override {}
  void count(std::string_view, std::uint64_t) override {}
};

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long rssKib() {
  long pages_total = 0;
  long pages_resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct Counters {
  std::uint64_t requests = 0;  ///< completed sends
  std::uint64_t errors = 0;    ///< failed sends
  bool stop = false;           ///< users leave their loop
};

asio::awaitable<void> user(sdk::HttpClient& client, const sdk::HttpRequest& request, Counters& counters) {
  while (!counters.stop) {
    const sdk::HttpResponse response = co_await client.send(request);
    ++counters.requests;
    if (!response.ok()) {
      if (++counters.errors == 1) std::fprintf(stderr, "first error: %s\n", response.error.c_str());
    }
  }
}

asio::awaitable<void> idleUser(sdk::HttpClient& client, const sdk::HttpRequest& request, Counters& counters) {
  const sdk::HttpResponse response = co_await client.send(request);
  ++counters.requests;
  if (!response.ok() && ++counters.errors == 1) std::fprintf(stderr, "first error: %s\n", response.error.c_str());
  asio::steady_timer sleep(co_await asio::this_coro::executor, std::chrono::hours(1));
  co_await sleep.async_wait(asio::use_awaitable);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_loop URL [USERS] [SECONDS] [--keep] [--stats]\n");
    return 2;
  }
  std::vector<std::string> positional;
  bool keep = false;
  bool real_stats = false;
  bool idle = false;
  bool burst = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep") == 0) {
      keep = true;
    } else if (std::strcmp(argv[i], "--burst") == 0) {
      burst = true;
    } else if (std::strcmp(argv[i], "--idle") == 0) {
      idle = true;
    } else if (std::strcmp(argv[i], "--stats") == 0) {
      real_stats = true;
    } else {
      positional.emplace_back(argv[i]);
    }
  }
  const std::string url = positional.at(0);
  const int users = positional.size() > 1 ? std::stoi(positional[1]) : 50;
  const int seconds = positional.size() > 2 ? std::stoi(positional[2]) : 10;

  asio::io_context io(1);
  auto shard = http::makeShardHttp(io, {});
  CountingRecorder counting;
  stats::ShardStats shard_stats;
  sdk::StatsRecorder& recorder = real_stats ? static_cast<sdk::StatsRecorder&>(shard_stats) : counting;
  const auto slash = url.find('/', url.find("://") + 3);
  const std::string base = url.substr(0, slash);
  sdk::HttpRequest request;
  request.target = slash == std::string::npos ? "/" : url.substr(slash);
  request.keep_headers = keep;
  request.keep_body = keep;

  Counters counters;
  std::vector<std::unique_ptr<sdk::HttpClient>> clients;
  clients.reserve(static_cast<std::size_t>(users));
  if (idle) {
    // Warm the allocator and the shard (TLS context, buffers) with one user first, then measure the rest.
    clients.push_back(http::makeHttpClient(*shard, base, recorder));
    asio::co_spawn(io, idleUser(*clients.back(), request, counters), asio::detached);
    while (counters.requests < 1) io.run_one();
    const long before = rssKib();
    // Spawn at 1000 users per second (batches of 10 every 10 ms), as bench/memory.sh does.
    for (int i = 1; i < users; ++i) {
      clients.push_back(http::makeHttpClient(*shard, base, recorder));
      asio::co_spawn(io, idleUser(*clients.back(), request, counters), asio::detached);
      if (!burst && i % 10 == 0) io.run_for(std::chrono::milliseconds(10));
    }
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (counters.requests < static_cast<std::uint64_t>(users) && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(std::chrono::milliseconds(100));
    }
    const long after = rssKib();
    std::printf("idle users %d answered %llu errors %llu rss_growth_kib %ld per_user_bytes %.0f\n", users - 1,
                static_cast<unsigned long long>(counters.requests - 1),
                static_cast<unsigned long long>(counters.errors), after - before,
                static_cast<double>(after - before) * 1024.0 / (users - 1));
    return 0;
  }
  for (int i = 0; i < users; ++i) {
    clients.push_back(http::makeHttpClient(*shard, base, recorder));
    asio::co_spawn(io, user(*clients.back(), request, counters), asio::detached);
  }

  std::uint64_t start_requests = 0;
  double start_cpu = 0;
  auto start_wall = std::chrono::steady_clock::now();
  asio::steady_timer warmup(io, std::chrono::seconds(1));
  asio::steady_timer finish(io, std::chrono::seconds(1 + seconds));
  warmup.async_wait([&](const boost::system::error_code&) {
    start_requests = counters.requests;
    start_cpu = cpuSeconds();
    start_wall = std::chrono::steady_clock::now();
  });
  finish.async_wait([&](const boost::system::error_code&) {
    const double cpu = cpuSeconds() - start_cpu;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_wall).count();
    const auto done = counters.requests - start_requests;
    std::printf("requests %llu errors %llu cpu_s %.3f wall_s %.3f req_per_cpu_s %.0f req_per_s %.0f\n",
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(counters.errors), cpu, wall,
                static_cast<double>(done) / cpu, static_cast<double>(done) / wall);
    counters.stop = true;
    http::closeAll(*shard);
  });
  io.run();
  return 0;
}
