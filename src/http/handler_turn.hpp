// What the server takes before each handler runs, one request at a time (http::Server::
// set_handler_turn): the store's write batch under group commit.
#pragma once

#include <functional>

#include "http/message.hpp"
#include "unique_function.hpp"

namespace accountsd::http {

// A turn that the requests it concerns take one at a time (the store's write batch, under group
// commit): `try_take` takes it for the request about to be handled on this thread (true too when
// the request needs none), `when_free` calls its argument once, from any thread, when it may be
// free again, and `give_back`, called after every handler, returns a turn the handler left
// unused.
struct HandlerTurn {
  std::function<bool(const Request& request)> try_take;
  std::function<void(UniqueFunction<void()> wake)> when_free;
  std::function<void(const Request& request)> give_back;
};

}  // namespace accountsd::http
