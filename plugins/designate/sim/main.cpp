// designate-sim: the Designate simulator executable. Parses the command line, builds the Simulator and serves
// its HTTP API (with the identity endpoints) and its DNS view on one io_context thread until SIGINT/SIGTERM.
// Exit codes: 0 after a signal, 2 for a bad command line, 1 when the servers cannot start.
#include "core/simulator.hpp"
#include "net/command_line.hpp"
#include "net/dns_server.hpp"
#include "net/http_server.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>

namespace {

namespace sim = accurate::designate_sim;

/// Lets the process hold as many connections as the hard limit allows (the soft limit is often 1024).
void raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int serve(const sim::SimCommandLine& cli) {
  sim::Simulator simulator(cli.options);
  boost::asio::io_context io(1);
  sim::HttpServer http(io, {cli.listen, cli.http_port}, [&simulator](const sim::SimRequest& request) {
    return simulator.handle(request, std::chrono::system_clock::now());
  });
  sim::DnsServer dns(io, cli.listen, cli.dns_port, [&simulator](std::string_view qname, std::uint16_t qtype) {
    return simulator.lookup(qname, qtype, std::chrono::system_clock::now());
  });
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    http.stop();
    dns.stop();
    io.stop();
  });
  http.start();
  dns.start();
  const std::uint16_t http_port = http.localEndpoint().port();
  if (!cli.port_file.empty()) sim::writePortFile(cli.port_file, http_port, dns.port());
  std::cout << sim::readyLine(cli.listen, http_port, dns.port()) << std::endl;  // endl: the line is awaited
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sim::SimCommandLine cli;
  try {
    cli = sim::parseCommandLine(argc, argv);
  } catch (const accurate::sdk::ConfigError& e) {
    std::cerr << "designate-sim: " << e.what() << '\n';
    return 2;
  }
  if (cli.help) {
    std::cout << sim::commandLineHelp();
    return 0;
  }
  raiseOpenFileLimit();
  try {
    return serve(cli);
  } catch (const accurate::sdk::ConfigError& e) {
    std::cerr << "designate-sim: " << e.what() << '\n';
    return 2;
  } catch (const boost::system::system_error& e) {
    std::cerr << "designate-sim: cannot listen on " << cli.listen.to_string() << ": " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "designate-sim: " << e.what() << '\n';
    return 1;
  }
}
