#pragma once
/// @file user_class.hpp
/// Turns parsed http user classes into sdk::UserClassSpec: per-user state and the request task body.

#include "schema.hpp"

#include <accurate/sdk/http.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>

namespace accurate::http_plugin {

/// Per-user state of an http user. Owned by the core (one per simulated user); used only on the user's shard.
class HttpUserTasks final : public sdk::UserTasks {
 public:
  std::uint64_t counter = 0;  ///< requests started by this user ({counter} of the latest one)
  sdk::HttpRequest request;   ///< reused between tasks so expanding a request reuses its buffers
  bool busy = false;          ///< `request` is in flight (a concurrent task then builds its own)
};

/// Fills @p request for one execution of @p def, reusing @p request's buffers. Sets keep_headers = false and
/// keep_body only when the body is checked. The validate function refers to @p def, which must outlive the send.
void buildRequest(const RequestDef& def, ExpandContext& context, sdk::HttpRequest& request);

/// Runs one request task: expands @p def with the user's state and sends it through the user's client
/// (the client records the sample).
boost::asio::awaitable<void> runRequest(std::shared_ptr<const RequestDef> def, sdk::UserTasks& tasks,
                                        sdk::UserContext& context);

/// The sdk::UserClassSpec of @p def, named "http.<name>".
sdk::UserClassSpec makeUserClass(const UserClassDef& def);

}  // namespace accurate::http_plugin
