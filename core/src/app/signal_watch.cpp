#include "app/signal_watch.hpp"

#include <csignal>

namespace accurate::app {

SignalWatch::SignalWatch(std::function<void(int, int)> on_signal)
    : signals_(io_, SIGINT, SIGTERM), on_signal_(std::move(on_signal)) {
  wait();
  thread_ = std::thread([this] { io_.run(); });
}

SignalWatch::~SignalWatch() {
  io_.stop();
  thread_.join();
}

void SignalWatch::wait() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    on_signal_(signal, ++count_);
    wait();
  });
}

}  // namespace accurate::app
