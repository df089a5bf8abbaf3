#pragma once
/// @file signal_watch.hpp
/// SIGINT/SIGTERM handed to a callback on a thread of its own (for a graceful stop that still writes the report).

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <thread>

namespace accurate::app {

/// Calls a function for every SIGINT/SIGTERM while alive. Threading: the callback runs on the watcher's thread.
class SignalWatch {
 public:
  /// @p on_signal gets the signal number and how many signals arrived so far (1 for the first).
  explicit SignalWatch(std::function<void(int signal, int count)> on_signal);
  /// Stops watching and joins the thread.
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  void wait();

  boost::asio::io_context io_;                     ///< runs only the signal wait
  boost::asio::signal_set signals_;                ///< SIGINT and SIGTERM
  std::function<void(int, int)> on_signal_;        ///< what to do
  int count_ = 0;                                  ///< signals received
  std::thread thread_;                             ///< runs io_
};

}  // namespace accurate::app
