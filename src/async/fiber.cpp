#include "async/fiber.hpp"

#include <cxxabi.h>
#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/detail/fcontext.hpp>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define ACCOUNTSD_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACCOUNTSD_FIBER_ASAN 1
#endif
#endif
#if defined(ACCOUNTSD_FIBER_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace accountsd::async {
namespace {

// The sanitizers' frames are several times larger; the pages are only touched as they are used.
#if defined(ACCOUNTSD_FIBER_ASAN)
constexpr std::size_t kStackSize = 1024 * 1024;
#else
constexpr std::size_t kStackSize = 256 * 1024;
#endif
// Stacks kept for reuse once their fibers end: mapping one costs two system calls and faults.
constexpr std::size_t kPooledStacks = 256;

// Tells AddressSanitizer which stack the thread is about to run on, and that it got there.
void start_switch([[maybe_unused]] void** fake_stack_save, [[maybe_unused]] const void* bottom,
                  [[maybe_unused]] std::size_t size) {
#if defined(ACCOUNTSD_FIBER_ASAN)
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#endif
}
void finish_switch([[maybe_unused]] void* fake_stack_save, [[maybe_unused]] const void** bottom_old,
                   [[maybe_unused]] std::size_t* size_old) {
#if defined(ACCOUNTSD_FIBER_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack_save, bottom_old, size_old);
#endif
}

// Marks a stack that no fiber runs on as holding no frames. AddressSanitizer poisons the zones
// around each frame's locals and clears them as the function returns; a frame that never returns
// (a finished fiber's entry, which switches out for good) leaves them for whatever next uses the
// memory. ASan clears a stack's marks itself only in its swapcontext wrapper.
void forget_frames([[maybe_unused]] void* stack) {
#if defined(ACCOUNTSD_FIBER_ASAN)
  __asan_unpoison_memory_region(stack, kStackSize);
#endif
}

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// Stack mappings with an inaccessible guard page below each, so that an overflow faults instead
// of writing over a neighbour.
class StackPool {
 public:
  void* take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        void* stack = free_.back();
        free_.pop_back();
        return stack;
      }
    }
    void* mapping = ::mmap(nullptr, page_size() + kStackSize, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED) throw std::bad_alloc();
    if (::mprotect(mapping, page_size(), PROT_NONE) != 0) {
      ::munmap(mapping, page_size() + kStackSize);
      throw std::bad_alloc();
    }
    void* stack = static_cast<char*>(mapping) + page_size();
    forget_frames(stack);  // the marks of whatever was mapped here before
    return stack;
  }
  void give(void* stack) {
    forget_frames(stack);
    {
      std::lock_guard lock(mutex_);
      if (free_.size() < kPooledStacks) {
        free_.push_back(stack);
        return;
      }
    }
    ::munmap(static_cast<char*>(stack) - page_size(), page_size() + kStackSize);
  }

 private:
  std::mutex mutex_;
  std::vector<void*> free_;
};

StackPool& stacks() {
  static auto* pool = new StackPool();  // never destroyed: fibers may end during exit
  return *pool;
}

thread_local Fiber* t_current = nullptr;

// Thrown into a fiber destroyed while suspended, to unwind its stack; not a std::exception, so
// that handlers which answer any std::exception with an error body let it through.
struct Unwind {};

// The C++ runtime's exception state of a thread (Itanium C++ ABI, __cxa_get_globals): the
// exceptions being handled, innermost first, and how many are thrown and not yet caught. A fiber
// that suspends inside a catch block, or while unwinding, may resume on another thread, and that
// thread's state must be the fiber's own, not whatever the thread was handling: each fiber keeps
// its state, and resume() swaps it with the thread's around the switch.
struct EhGlobals {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

// Not inlined: __cxa_get_globals is declared const, so a caller could keep one thread's address
// across a switch to another thread.
[[gnu::noinline]] EhGlobals* thread_eh_globals() noexcept {
  return reinterpret_cast<EhGlobals*>(abi::__cxa_get_globals());
}

}  // namespace

struct Fiber::Context {
  // The fiber's entry: runs the body on the fiber's stack, then switches out for good.
  static void entry(boost::context::detail::transfer_t from) noexcept;

  // Where each side stopped: the fiber's while it is switched out, the resuming thread's while
  // the fiber runs. Each jump hands back the context of the side it left.
  boost::context::detail::fcontext_t fiber = nullptr;
  boost::context::detail::fcontext_t caller = nullptr;
  EhGlobals fiber_eh{};   // the fiber's exception state while it is switched out
  EhGlobals caller_eh{};  // the resuming thread's, while the fiber runs
  void* stack = nullptr;
  // AddressSanitizer's bookkeeping: the fake stacks of each side, and the caller's stack, which
  // may be another thread's at each resume.
  void* caller_fake_stack = nullptr;
  void* fiber_fake_stack = nullptr;
  const void* caller_bottom = nullptr;
  std::size_t caller_size = 0;
  bool started = false;
  bool unwinding = false;
};

Fiber::Fiber(UniqueFunction<void()> body, boost::asio::any_io_executor executor)
    : context_(std::make_unique<Context>()),
      body_(std::move(body)),
      executor_(std::move(executor)) {
  auto& c = *context_;
  c.stack = stacks().take();
  // The stack grows down from its top; making the context writes nothing but a few words there.
  c.fiber = boost::context::detail::make_fcontext(static_cast<char*>(c.stack) + kStackSize,
                                                  kStackSize, &Context::entry);
}

Fiber::~Fiber() {
  // Suspended for good (its wait was dropped, say at shutdown): unwind it so that what lives on
  // its stack (a pooled connection, a lock) is released, then free the stack.
  if (context_->started && !finished_) {
    context_->unwinding = true;
    try {
      resume();
    } catch (...) {
    }
  }
  stacks().give(context_->stack);
}

Fiber* Fiber::current() noexcept {
  return t_current;
}

std::size_t Fiber::stack_size() noexcept {
  return kStackSize;
}

bool Fiber::resume() {
  auto& c = *context_;
  if (finished_) throw std::logic_error("resuming a finished fiber");
  if (t_current != nullptr) throw std::logic_error("fibers do not nest");
  c.started = true;
  t_current = this;
  auto* eh = thread_eh_globals();
  c.caller_eh = std::exchange(*eh, c.fiber_eh);
  start_switch(&c.caller_fake_stack, c.stack, kStackSize);
  c.fiber = boost::context::detail::jump_fcontext(c.fiber, this).fctx;
  finish_switch(c.caller_fake_stack, nullptr, nullptr);
  // Back on the thread that called resume(): the same globals as before the switch.
  eh = thread_eh_globals();
  c.fiber_eh = std::exchange(*eh, c.caller_eh);
  t_current = nullptr;
  if (!finished_) return false;
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  return true;
}

Arrange Fiber::take_arrange() {
  return std::move(arrange_);
}

void Fiber::Context::entry(boost::context::detail::transfer_t from) noexcept {
  auto* self = static_cast<Fiber*>(from.data);
  auto& c = *self->context_;
  c.caller = from.fctx;
  finish_switch(nullptr, &c.caller_bottom, &c.caller_size);
  try {
    self->body_();
  } catch (const Unwind&) {
  } catch (...) {
    self->failure_ = std::current_exception();
  }
  self->body_ = {};
  self->finished_ = true;
  // Never resumed: the stack is given back (with this frame on it) when the Fiber is destroyed.
  self->switch_out(true);
}

void Fiber::switch_out(bool finishing) {
  auto& c = *context_;
  // A finished fiber's fake stack is freed by passing no place to keep it.
  start_switch(finishing ? nullptr : &c.fiber_fake_stack, c.caller_bottom, c.caller_size);
  c.caller = boost::context::detail::jump_fcontext(c.caller, nullptr).fctx;
  finish_switch(c.fiber_fake_stack, &c.caller_bottom, &c.caller_size);
}

void Fiber::suspend(Arrange arrange) {
  Fiber* self = t_current;
  if (self == nullptr) throw std::logic_error("Fiber::suspend outside a fiber");
  if (self->context_->unwinding) throw Unwind{};
  self->arrange_ = std::move(arrange);
  self->switch_out(false);
  if (self->context_->unwinding) throw Unwind{};
}

}  // namespace accountsd::async
