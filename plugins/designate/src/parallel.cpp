#include "parallel.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <exception>
#include <memory>
#include <vector>

namespace accurate::designate {
namespace {

/// What the workers of one runBounded share.
struct Shared {
  BoundedJob job;         ///< the job body
  std::size_t count = 0;  ///< jobs in total
  std::size_t next = 0;   ///< next job number to hand out
  std::exception_ptr first_error;  ///< the first exception a job threw
};

bool isCancellation(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == boost::asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

boost::asio::awaitable<void> worker(std::shared_ptr<Shared> shared) {
  while (shared->next < shared->count) {
    const std::size_t index = shared->next++;
    std::exception_ptr error;
    try {
      co_await shared->job(index);
    } catch (...) {
      error = std::current_exception();
    }
    if (!error) continue;
    if (isCancellation(error)) std::rethrow_exception(error);
    if (!shared->first_error) shared->first_error = error;
  }
}

}  // namespace

boost::asio::awaitable<void> runBounded(boost::asio::any_io_executor executor, std::size_t parallel, std::size_t count,
                                        BoundedJob job) {
  if (count == 0) co_return;
  auto shared = std::make_shared<Shared>(Shared{std::move(job), count, 0, nullptr});
  const std::size_t workers = std::min(std::max<std::size_t>(parallel, 1), count);
  using Operation = decltype(boost::asio::co_spawn(executor, worker(shared), boost::asio::deferred));
  std::vector<Operation> operations;
  operations.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    operations.push_back(boost::asio::co_spawn(executor, worker(shared), boost::asio::deferred));
  }
  auto [order, errors] = co_await boost::asio::experimental::make_parallel_group(std::move(operations))
                             .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
  for (std::size_t i : order) {
    if (errors[i]) std::rethrow_exception(errors[i]);  // a cancellation
  }
  if (shared->first_error) std::rethrow_exception(shared->first_error);
}

}  // namespace accurate::designate
