// Awaits a blocking-style function from a C++20 coroutine by running it in a fiber: where the
// function waits (async::wait_readable, async::Wakeup) the fiber suspends and the coroutine's
// thread serves other work until the wait completes.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "async/fiber.hpp"
#include "unique_function.hpp"

namespace accountsd::async {
namespace detail {

template <typename T, typename Handler>
struct FiberRun {
  Handler handler;
  boost::asio::any_io_executor executor;  // the awaiting coroutine's, with work counted
  std::optional<T> result;
  std::unique_ptr<Fiber> fiber;
};

// Runs the fiber until it suspends (then has its wait arranged, to resume here later) or ends
// (then completes the await, from the executor as completions must).
template <typename T, typename Handler>
void step(std::shared_ptr<FiberRun<T, Handler>> run) {
  bool finished = false;
  std::exception_ptr failure;
  try {
    finished = run->fiber->resume();
  } catch (...) {
    finished = true;
    failure = std::current_exception();
  }
  if (finished) {
    boost::asio::post(run->executor, [run, failure]() mutable {
      T value = failure ? T{} : std::move(*run->result);
      auto handler = std::move(run->handler);
      run.reset();  // the fiber's stack goes back to the pool before the coroutine goes on
      std::move(handler)(failure, std::move(value));
    });
    return;
  }
  Arrange arrange = run->fiber->take_arrange();
  arrange([run]() mutable {
    auto executor = run->executor;
    boost::asio::post(executor, [run = std::move(run)]() mutable { step(std::move(run)); });
  });
}

}  // namespace detail

// Runs `body` in a fiber on the awaiting coroutine's executor and gives back its result or
// rethrows its exception. Not a coroutine itself (g++ 12 mishandles temporaries in co_await
// expressions of lambdas; see http/server.cpp).
template <typename T>
boost::asio::awaitable<T> in_fiber(UniqueFunction<T()> body) {
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                     void(std::exception_ptr, T)>(
      [](auto handler, UniqueFunction<T()> body) {
        using Handler = decltype(handler);
        boost::asio::any_io_executor session = boost::asio::get_associated_executor(handler);
        auto run = std::make_shared<detail::FiberRun<T, Handler>>(detail::FiberRun<T, Handler>{
            std::move(handler),
            boost::asio::prefer(session, boost::asio::execution::outstanding_work.tracked),
            std::nullopt, nullptr});
        auto* raw = run.get();
        run->fiber = std::make_unique<Fiber>(
            [raw, body = std::move(body)]() mutable { raw->result.emplace(body()); }, session);
        detail::step(std::move(run));
      },
      boost::asio::use_awaitable, std::move(body));
}

}  // namespace accountsd::async
