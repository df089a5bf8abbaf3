#pragma once
/// @file command_line.hpp
/// designate-sim's command line (cxxopts) turned into SimOptions plus the transport settings, and the two
/// outputs other programs wait for: the ready line and the port file.

#include "core/simulator.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <string>

namespace accurate::designate_sim {

/// Everything the command line sets.
struct SimCommandLine {
  SimOptions options;                           ///< the simulator's behaviour
  boost::asio::ip::address listen = boost::asio::ip::make_address("127.0.0.1");  ///< address of both servers
  std::uint16_t http_port = 0;                  ///< API + identity port (0 = ephemeral)
  std::uint16_t dns_port = 0;                   ///< DNS port for UDP and TCP (0 = ephemeral)
  std::string port_file;                        ///< where to write the bound ports as JSON ("" = nowhere)
  bool help = false;                            ///< --help: print commandLineHelp() and exit 0
};

/// Parses designate-sim's arguments (@p argv[0] is the program).
/// @throws sdk::ConfigError whose message names the flag and the reason, e.g.
///         `--error-rate: expected a number between 0 and 1, got "2"`, or names an unknown option.
SimCommandLine parseCommandLine(int argc, const char* const* argv);

/// The --help text.
std::string commandLineHelp();

/// `designate-sim: API http://127.0.0.1:<port>  DNS 127.0.0.1:<port> (udp+tcp)` (IPv6 addresses in brackets).
std::string readyLine(const boost::asio::ip::address& address, std::uint16_t http_port, std::uint16_t dns_port);

/// Writes `{"http_port": N, "dns_port": M}` to @p path atomically (a temporary file in the same folder, renamed).
/// @throws sdk::Error naming the file and the reason.
void writePortFile(const std::string& path, std::uint16_t http_port, std::uint16_t dns_port);

}  // namespace accurate::designate_sim
