// hello: the smallest useful accurate plugin. It adds the user class "hello.browser", whose users fetch the
// target's home page three times as often as one configurable page, and the CLI option --hello-path that sets
// that page (config file: {"hello": {"path": "/about"}}; environment: ACCURATE_HELLO_PATH).
//
//   accurate run --plugins hello --host http://127.0.0.1:8080 --hello-path /about --users 10
#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/plugin.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace {

namespace sdk = accurate::sdk;
using boost::asio::awaitable;

/// One instance per simulated user: per-user state needs no locks. Its tasks run on the user's shard.
class BrowserTasks : public sdk::UserTasks {
 public:
  explicit BrowserTasks(std::string page) : page_(std::move(page)) {}

  /// Weight 3: the home page.
  awaitable<void> home(sdk::UserContext& ctx) {
    sdk::HttpRequest request;
    request.target = "/";
    request.keep_body = false;  // only the length is counted: less work per request
    co_await ctx.http().send(request);  // recorded in the stats as "GET /"; failures never throw
  }

  /// Weight 1: the configured page, which must answer 200 and mention something.
  awaitable<void> page(sdk::UserContext& ctx) {
    sdk::HttpRequest request;
    request.target = page_;
    request.name = "page";  // one stats entry whatever the path
    request.expected_status = {200};
    request.validate = [](const sdk::HttpResponse& response) -> std::string {
      return response.body.empty() ? "empty body" : "";
    };
    request.headers = {{"X-Hello-Visit", std::to_string(++visits_)}};  // per-user state, no locks needed
    co_await ctx.http().send(request);
  }

 private:
  std::string page_;         ///< path of the configured page, e.g. "/about"
  unsigned visits_ = 0;      ///< visits of the configured page by this user so far
};

class HelloPlugin : public sdk::Plugin {
 public:
  std::string description() const override { return "browses a home page and one configurable page"; }

  void declare(sdk::Declarations& declarations) override {
    // --hello-path lands in this plugin's config section as "path".
    declarations.addOption({"hello-path", "path", "page the hello.browser users visit besides /",
                            sdk::OptionSpec::Type::kString});
  }

  void configure(sdk::Host& host) override {
    std::string page = "/";
    if (const auto* value = host.config().if_contains("path")) {
      if (!value->is_string() || !value->get_string().starts_with("/")) {
        throw sdk::ConfigError("$.hello.path", "must be a string starting with '/'");
      }
      page = std::string(value->get_string());
    }

    sdk::UserClassSpec browser;
    browser.name = "hello.browser";
    browser.wait = sdk::WaitTime::between(std::chrono::milliseconds(500), std::chrono::seconds(2));
    browser.tasks = {sdk::memberTask<&BrowserTasks::home>("home", 3),
                     sdk::memberTask<&BrowserTasks::page>("page", 1)};
    browser.make_tasks = [page](sdk::UserContext&) { return std::make_unique<BrowserTasks>(page); };
    host.addUserClass(std::move(browser));
  }
};

}  // namespace

ACCURATE_PLUGIN(HelloPlugin, "hello", "0.1.0")
