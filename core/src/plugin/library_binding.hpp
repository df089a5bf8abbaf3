#pragma once
/// @file library_binding.hpp
/// Keeps a plugin's shared library loaded for as long as anything it handed out is alive.
///
/// Why: an object a plugin creates has its vtable, its destructor and (for a std::shared_ptr made inside the
/// plugin) its control block in the plugin's code; a std::function made inside the plugin has its invoker and
/// manager there; a coroutine frame a plugin coroutine creates has its resume/destroy functions there. Running
/// any of them after dlclose() jumps into unmapped memory. So every such thing is wrapped in a holder that owns
/// a std::shared_ptr to the library *and* the plugin's thing, with the library declared first: C++ destroys
/// members in reverse declaration order, so the plugin's thing always dies while its code is still mapped, and
/// the library reference is released only afterwards. (We rely on member order in a named struct, never on the
/// unspecified destruction order of lambda captures.)
///
/// Coroutine functions get one more layer: the wrapper is itself a coroutine that takes the holder as a by-value
/// parameter, so the library stays loaded until the plugin's coroutine frame (a local of the wrapper's frame) is
/// destroyed — parameters of a coroutine are destroyed after its locals.
///
/// What the holders do NOT make safe, hence the app's rule "keep the LoadedPlugins from PluginRegistry::load()
/// alive until every io_context that ran plugin code has been destroyed":
///  - asio completion handlers are instantiated where the async operation is started. When a plugin coroutine
///    awaits a timer or socket, the handler that later resumes the whole coroutine chain is plugin code, on the
///    io_context's stack; if the last library reference were dropped inside that chain, the handler would return
///    into unmapped code. (tests/unit/plugin/lifetime_test.cpp shows the frame holding its reference.)
///  - asio services a plugin creates first (e.g. a resolver service) live in the io_context with their vtable in
///    the plugin, and are destroyed only with the io_context.
/// With that rule the holders are the safety net for anything kept beyond it (e.g. a sink a report thread holds),
/// and they guarantee that each object is destroyed while its code is still mapped.
///
/// Not covered either (a rule for the runtime): a `UserTasks` made by a wrapped `make_tasks` is a plain
/// std::unique_ptr; it and the awaitables of its onStart/onStop must be destroyed before the UserClassSpec
/// that made it. The runtime keeps the spec (or a copy of its functions) alive while any user exists.
///
/// Threading: the holders are immutable after construction; copies may be used from any thread as the wrapped
/// thing allows.

#include <boost/asio/awaitable.hpp>
#include <boost/dll/shared_library.hpp>

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace accurate::plugin {

/// Shared ownership of a loaded plugin library; the library is unloaded when the last owner goes.
using LibraryPtr = std::shared_ptr<const boost::dll::shared_library>;

namespace detail {

/// An object of a plugin together with the library its code lives in.
template <typename T>
struct BoundObject {
  LibraryPtr library;         ///< declared first, so released last: keeps the code of `object` mapped
  std::shared_ptr<T> object;  ///< the plugin's object, destroyed before `library` is released
};

/// A function of a plugin together with the library its code lives in.
template <typename Signature>
struct BoundFunction {
  LibraryPtr library;                  ///< declared first, so released last
  std::function<Signature> function;   ///< the plugin's function, destroyed before `library` is released
};

/// Runs a plugin coroutine function; @p holder, a parameter, lives in this frame until the plugin's frame
/// (created by the co_await below) has been destroyed.
template <typename R, typename... Args>
boost::asio::awaitable<R> runBoundCoroutine(std::shared_ptr<const BoundFunction<boost::asio::awaitable<R>(Args...)>> holder,
                                            Args... args) {
  if constexpr (std::is_void_v<R>) {
    co_await holder->function(std::forward<Args>(args)...);
  } else {
    co_return co_await holder->function(std::forward<Args>(args)...);
  }
}

template <typename R>
struct IsAwaitable : std::false_type {};
template <typename R>
struct IsAwaitable<boost::asio::awaitable<R>> : std::true_type {};

}  // namespace detail

/// Returns a pointer to @p object that also keeps @p library loaded; @p object is destroyed (its last owner
/// being the holder) before the library reference is dropped. Null in, null out.
template <typename T>
std::shared_ptr<T> bindToLibrary(LibraryPtr library, std::shared_ptr<T> object) {
  if (!object) {
    return nullptr;
  }
  auto holder = std::make_shared<detail::BoundObject<T>>(detail::BoundObject<T>{std::move(library), std::move(object)});
  T* raw = holder->object.get();
  return std::shared_ptr<T>(std::move(holder), raw);  // aliasing: shares the holder's ownership
}

/// Returns a function that calls @p function and keeps @p library loaded while any copy of it exists. When
/// @p function returns an awaitable, the library also stays loaded until that awaitable's frame is gone.
/// Empty in, empty out.
template <typename R, typename... Args>
std::function<R(Args...)> bindToLibrary(LibraryPtr library, std::function<R(Args...)> function) {
  if (!function) {
    return {};
  }
  using Holder = detail::BoundFunction<R(Args...)>;
  auto holder = std::make_shared<const Holder>(Holder{std::move(library), std::move(function)});
  if constexpr (detail::IsAwaitable<R>::value) {
    return [holder = std::move(holder)](Args... args) -> R {
      return detail::runBoundCoroutine<typename R::value_type, Args...>(holder, std::forward<Args>(args)...);
    };
  } else {
    return [holder = std::move(holder)](Args... args) -> R {
      return holder->function(std::forward<Args>(args)...);
    };
  }
}

}  // namespace accurate::plugin
