#pragma once
/// @file parallel.hpp
/// Runs numbered jobs with a bound on how many run at once (gather phase, prepare command).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>

namespace accurate::designate {

/// A job of runBounded: receives its number in [0, count).
using BoundedJob = std::function<boost::asio::awaitable<void>(std::size_t index)>;

/// Runs job(0) … job(count - 1) on @p executor with at most @p parallel (at least 1) running at once, in order of
/// their numbers, and returns when all ended. A job's exception does not stop the other jobs; the first one is
/// rethrown once all ended. Cancellation of the caller reaches every running job and ends the walk.
/// Threading: @p executor must run on one thread (a shard), because the workers share a plain counter.
boost::asio::awaitable<void> runBounded(boost::asio::any_io_executor executor, std::size_t parallel, std::size_t count,
                                        BoundedJob job);

}  // namespace accurate::designate
