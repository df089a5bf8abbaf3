#include "http/connection.hpp"

#include "http/shard_http.hpp"

namespace accurate::http {

Connection::Connection(ShardHttp& owner, std::uint32_t owner_generation)
    : shard(&owner), socket(owner.io().get_executor()), generation(owner_generation) {
  owner.attach(*this);
}

Connection::~Connection() {
  close();
  tls.reset();
  if (shard != nullptr) shard->detach(*this);
}

void Connection::close() noexcept {
  boost::system::error_code ignored;
  socket.close(ignored);
}

}  // namespace accurate::http
