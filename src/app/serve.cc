// `krypton serve`: wires the store, the event loops and the listeners, prints the
// endpoints, and shuts down gracefully on SIGINT/SIGTERM:
//   1. stop accepting (every listener), 2. ask every session to close,
//   3. let the loops drain, bounded by server.shutdown_timeout_ms, then stop them,
//   4. checkpoint the store, 5. exit 0.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <csignal>
#include <future>
#include <iostream>
#include <optional>
#include <thread>

#include "accounts/epoch_listener.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "auth/attempt_limiter.h"
#include "auth/hash_queue.h"
#include "auth/jwt.h"
#include "auth/mailer.h"
#include "auth/rate_limit.h"
#include "auth/token_epochs.h"
#include "bus/inproc_bus.h"
#include "common/clock.h"
#include "common/logging.h"
#include "http/http.h"
#include "http/routes/api.h"
#include "hub/access.h"
#include "hub/app_hub.h"
#include "hub/hub.h"
#include "hub/metrics.h"
#include "hub/scheduled_send.h"
#include "net/io_pool.h"
#include "net/tls.h"
#include "scheduler/engine.h"

namespace krypton::app {
namespace {

struct Endpoint {
  std::string name;    // stable key in the endpoint line
  std::string scheme;  // tcp, ws, http
  int port;            // bound port, or the configured one when not served
  bool served;
  std::string purpose;
};

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

}  // namespace

int RunServe(const CommonOptions& common, bool test_clock) {
  config::Config config;
  if (!LoadConfig(common, &config)) return 2;
  LogOptions log_options{config.log.level, config.log.format == "json"};
  if (!InitLogging(log_options)) {
    std::fprintf(stderr, "krypton: bad log level %s\n", config.log.level.c_str());
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);

  bool created = false;
  int tightened = 0;
  if (!EnsureDataDir(config, &created, &tightened)) return 1;
  if (tightened > 0) {
    spdlog::warn("data dir {}: {} entries were readable by others, now owner-only (0600/0700)",
                 config.data_dir, tightened);
  }
  std::unique_ptr<storage::Store> store = OpenConfiguredStore(config);
  if (!store) return 1;
  // No session survives a restart: whatever the database says, every device is offline.
  if (auto s = store->SetAllDevicesOffline(); !s.ok()) {
    spdlog::error("store: {}", s.ToString());
    return 1;
  }

  net::IoPool pool(config.server.threads);
  // Tokens (D10), verify-code delivery (D13), rate limits (D20) and the worker pool that
  // keeps argon2id off the event loops.
  auto jwt = auth::JwtCodec::Load(config.jwt.alg, config.JwtKeyPath());
  if (!jwt.ok()) {
    spdlog::error("{}", jwt.status().detail());
    return 1;
  }
  auth::Mailer mailer(config.OutboxPath());
  auth::RateLimiter limiter;
  boost::asio::thread_pool blocking(static_cast<size_t>(config.server.blocking_threads));
  auth::CaptchaStore captcha;
  // The bus: shared by every hub connection and the domain services' change events;
  // outlives the loops.
  bus::InprocBus bus;
  http::ApiContext api{*store,  config, SystemClock::Instance(), **jwt, mailer, limiter, blocking,
                       captcha, bus};
  // Issue 14 (docs/security/passwords.md): failed guesses of every secret, the bounded fair
  // queue in front of argon2id, and the accounts' token epochs (cached like the access
  // decisions; a password change here forgets the entry at once).
  auth::AttemptLimiter attempts(100000, [] { return SystemClock::Instance().NowMs(); });
  auth::HashQueue hashing(static_cast<size_t>(config.server.hash_threads),
                          static_cast<size_t>(config.server.hash_queue_max),
                          static_cast<size_t>(config.server.hash_queue_per_account));
  auth::TokenEpochs epochs(
      [&store](const std::string& uid) -> std::optional<int64_t> {
        auto user = store->GetUser(uid);
        if (user.ok()) return user->token_epoch;
        // Unknown account: the routes answer it. A store failure fails closed: -1 is
        // nobody's epoch, so tokens are refused until it can be read.
        if (user.status().not_found()) return std::nullopt;
        return int64_t{-1};
      },
      [] { return SystemClock::Instance().NowMs(); }, config.hub.access_cache_ms,
      static_cast<size_t>(config.hub.access_cache_entries));
  api.attempts = &attempts;
  api.hashing = &hashing;
  api.epochs = &epochs;
  // Issue 15 (accounts): the epoch cache learns password changes from the bus.
  accounts::EpochListener epoch_listener(bus, epochs);
  // Scheduler tasks (issue 16) run on the system clock, or for tests on one that
  // POST /test/clock sets (the engine is told once it exists).
  std::unique_ptr<ManualClock> manual_clock;
  std::atomic<scheduler::Engine*> engine_ref{nullptr};
  if (test_clock) {
    manual_clock = std::make_unique<ManualClock>(SystemClock::Instance().NowMs());
    spdlog::warn("--test-clock: scheduler tasks follow POST /test/clock, not the real time");
    api.test_clock = manual_clock.get();
    api.clock_moved = [&engine_ref] {
      if (scheduler::Engine* e = engine_ref.load()) e->Poke();
    };
  }
  const Clock& scheduler_clock =
      manual_clock ? static_cast<const Clock&>(*manual_clock) : SystemClock::Instance();
  api.scheduler_clock = &scheduler_clock;
  http::Router router;
  http::AddApiRoutes(router, api);  // every HTTP route: src/http/routes/

  std::vector<std::shared_ptr<net::Listener>> listeners;
  std::vector<Endpoint> endpoints;

  // TLS listeners start only when a certificate is configured (spec §2.1).
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (config.TlsEnabled()) {
    auto made = net::MakeServerTlsContext(config.tls.cert_file, config.tls.key_file);
    if (!made.ok()) {
      spdlog::error("{}", made.status().detail());
      return 1;
    }
    tls = std::move(made).value();
  }
  http::ServerOptions http_options;
  http_options.listen = {"http", config.listen.address, config.http.port,
                         config.http.max_connections, 0};
  http_options.listen.accept_backoff_max =
      std::chrono::milliseconds(config.net.accept_backoff_max_ms);
  http_options.listen.log_interval = std::chrono::seconds(config.net.log_interval_s);
  http_options.max_header_bytes = static_cast<size_t>(config.http.max_header_bytes);
  http_options.max_body_bytes = static_cast<size_t>(config.http.max_body_bytes);
  http_options.read_timeout_s = config.http.read_timeout_s;
  http_options.idle_timeout_s = config.http.idle_timeout_s;
  http_options.cors_origins = config.http.cors_origins;
  if (config.http.port >= 0) {
    auto listener = http::OpenServer(pool, http_options, router);
    if (!listener.ok()) {
      spdlog::error("{}", listener.status().detail());
      return 1;
    }
    // Hosted H5 URLs name the bound port unless http.public_url says otherwise.
    api.public_http_url = config.PublicHttpUrl((*listener)->port());
    endpoints.push_back({"http", "http", (*listener)->port(), true,
                         "UAA, user and enterprise APIs, H5 pages, GET /healthz"});
    listeners.push_back(std::move(listener).value());
  }
  if (tls && config.http.tls_port >= 0) {
    http::ServerOptions options = http_options;
    options.listen.name = "https";
    options.listen.port = config.http.tls_port;
    auto listener = http::OpenServer(pool, options, router, tls.get());
    if (!listener.ok()) {
      spdlog::error("{}", listener.status().detail());
      return 1;
    }
    endpoints.push_back({"https", "https", (*listener)->port(), true, "the same APIs over TLS"});
    listeners.push_back(std::move(listener).value());
  }
  // The bus and the hub context: shared by every hub connection, outlive the loops.
  std::vector<boost::asio::any_io_executor> loop_executors;
  for (size_t i = 0; i < pool.size(); ++i) loop_executors.push_back(pool.At(i).get_executor());
  // Each product's current template for the hub's checks and conversions: a template
  // stored through the API applies at once (bus::ChangeEvent kTemplate, heard by the
  // codecs themselves); one stored by another process within hub.access_cache_ms.
  hub::ProductCodecs codecs(*store, SystemClock::Instance(), config.hub.access_cache_ms,
                            static_cast<size_t>(config.hub.access_cache_entries), pool.size(),
                            &bus);
  hub::HubContext hub_ctx{*store,
                          config,
                          SystemClock::Instance(),
                          bus,
                          codecs,
                          config.hub.public_host.empty() ? HostName() : config.hub.public_host,
                          config.hub.public_device_port,
                          {}};
  // GET /metrics (src/http/routes/metrics.cc) reads the hub's counters and the
  // listeners' (connections refused at accept, accept errors, open and pre-login
  // connections). The listeners are all opened before the loops start.
  api.metrics = [&hub_ctx, &listeners] {
    return hub::MetricsText(hub_ctx.counters) + net::ListenerMetricsText(listeners);
  };
  if (config.hub.device.port >= 0) {
    auto listener = hub::OpenDeviceListener(pool, hub_ctx, config.hub.device.port);
    if (!listener.ok()) {
      spdlog::error("{}", listener.status().detail());
      return 1;
    }
    // getProdInfo gives the bound port unless a public one is configured (D4).
    if (hub_ctx.public_device_port == 0) hub_ctx.public_device_port = (*listener)->port();
    endpoints.push_back({"device", "tcp", (*listener)->port(), true, "device hub"});
    listeners.push_back(std::move(listener).value());
  }
  if (tls && config.hub.device.tls_port >= 0) {
    auto listener = hub::OpenDeviceListener(pool, hub_ctx, config.hub.device.tls_port, tls.get());
    if (!listener.ok()) {
      spdlog::error("{}", listener.status().detail());
      return 1;
    }
    endpoints.push_back({"device_tls", "tls", (*listener)->port(), true, "device hub, TLS"});
    listeners.push_back(std::move(listener).value());
  }
  if (config.info.port >= 0) {
    auto listener = hub::OpenInfoListener(pool, hub_ctx, config.info.port);
    if (!listener.ok()) {
      spdlog::error("{}", listener.status().detail());
      return 1;
    }
    endpoints.push_back({"dispatch", "tcp", (*listener)->port(), true,
                         "getProdInfo (device dispatch), getAppDomain"});
    listeners.push_back(std::move(listener).value());
  }
  // The app hub: appLogin verifies the access JWT (D10) with the server's key.
  // Binding and share changes (HTTP routes, PIN binding on the hub) reach the access
  // cache at once: it hears bus::ChangeEvent kAccess itself (decision 0004).
  hub::StoreAccessPolicy access(*store, SystemClock::Instance(), config.hub.access_cache_ms,
                                static_cast<size_t>(config.hub.access_cache_entries), pool.size(),
                                &bus);
  hub_ctx.attempts = &attempts;
  hub::AppHub app_hub(
      hub_ctx, access,
      [codec = jwt->get(), &epochs](std::string_view token) -> Result<std::string> {
        auto claims = codec->Verify(token, SystemClock::Instance().NowS());
        if (!claims.ok()) return Status(Code::kHubJwtParse).WithDetail(claims.status().detail());
        if (!claims->ati.empty()) return Status(Code::kHubJwtParse).WithDetail("refresh token");
        // Signed before the account's last password change or reset (issue 14).
        if (Status s = epochs.Check(claims->uid, claims->epoch); !s.ok()) {
          return Status(Code::kHubJwtParse).WithDetail(s.detail());
        }
        return claims->uid;
      },
      loop_executors);
  struct AppListener {
    const char* name;
    const char* scheme;
    int port;
    bool ws;
    boost::asio::ssl::context* tls;
    const char* purpose;
  };
  const AppListener app_listeners[] = {
      {"app_tcp", "tcp", config.hub.app.tcp_port, false, nullptr, "app hub, TCP"},
      {"app_ws", "ws", config.hub.app.ws_port, true, nullptr, "app hub, WebSocket"},
      {"app_tls", "tls", tls ? config.hub.app.tls_port : -1, false, tls.get(), "app hub, TLS"},
      {"app_wss", "wss", tls ? config.hub.app.wss_port : -1, true, tls.get(), "app hub, WSS"},
  };
  for (const AppListener& a : app_listeners) {
    if (a.port < 0) continue;
    auto listener = a.ws ? hub::OpenAppWsListener(pool, app_hub, a.port, a.tls)
                         : hub::OpenAppTcpListener(pool, app_hub, a.port, a.tls);
    if (!listener.ok()) {
      spdlog::error("{}", listener.status().detail());
      return 1;
    }
    endpoints.push_back({a.name, a.scheme, (*listener)->port(), true, a.purpose});
    listeners.push_back(std::move(listener).value());
  }

  // The scheduler engine (issue 16): fires tasks through the hub's command path, on the
  // device's loop; it hears task writes on the bus.
  hub::ScheduledSender scheduled_sender(hub_ctx, access, loop_executors);
  scheduler::Engine engine(
      *store, scheduler_clock, scheduled_sender, &bus,
      scheduler::EngineOptions{config.scheduler.misfire_grace_s, config.scheduler.claim_batch,
                               config.scheduler.max_in_flight, config.scheduler.history_per_task});
  if (Status s = engine.Start(); !s.ok()) {
    spdlog::error("scheduler: {}", s.ToString());
    return 1;
  }
  engine_ref = &engine;
  api.metrics = [hub_metrics = api.metrics, &engine] {
    return hub_metrics() + engine.MetricsText();
  };

  // Signals are caught on loop 0; the main thread waits for the first one.
  std::promise<int> stop_signal;
  boost::asio::signal_set signals(pool.At(0), SIGINT, SIGTERM);
  signals.async_wait([&stop_signal](const boost::system::error_code& ec, int signo) {
    stop_signal.set_value(ec ? 0 : signo);
  });

  // The descriptor reserve of the hub listeners (docs/security/conns.md).
  uint64_t fd_limit = 0;
  if (int ceiling = net::ProcessFdCeiling(config.net.fd_reserve, &fd_limit); ceiling > 0) {
    spdlog::info(
        "descriptors: limit {}, reserve {}: hub connections not logged in use "
        "descriptors below {}",
        fd_limit, static_cast<int>(fd_limit) - ceiling, ceiling);
  }
  for (auto& l : listeners) l->Start();
  pool.Start();

  const std::string& host = hub_ctx.public_host;
  std::cout << "krypton 0.1.0 serving, data dir " << config.data_dir << ", " << pool.size()
            << " event loop(s)\n";
  for (const auto& e : endpoints) {
    std::cout << "  " << e.name << std::string(10 - std::min<size_t>(e.name.size(), 9), ' ')
              << e.scheme << "://" << config.listen.address << ":" << e.port << "  " << e.purpose
              << (e.served ? "" : " — not served yet") << "\n";
  }
  // One machine-readable line for scripts and tests (ports are the bound ones).
  JsonObject ports;
  for (const auto& e : endpoints) {
    if (e.served) ports.Add(e.name, e.port);
  }
  std::cout << JsonObject()
                   .Add("event", "listening")
                   .AddRaw("ports", ports.Finish())
                   .Add("host", host)
                   .Finish()
            << std::endl;

  int signo = stop_signal.get_future().get();
  spdlog::info("signal {}: shutting down", signo);
  engine_ref = nullptr;
  engine.Stop();  // no firing starts from here on
  for (auto& l : listeners) l->Stop();
  for (auto& l : listeners) l->CloseSessions();
  pool.ReleaseWork();

  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(config.server.shutdown_timeout_ms);
  auto sessions_open = [&] {
    size_t n = 0;
    for (auto& l : listeners) n += l->session_count();
    return n;
  };
  while (sessions_open() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (size_t left = sessions_open(); left > 0) {
    spdlog::warn("shutdown timeout: dropping {} session(s)", left);
  }
  pool.Stop();
  pool.Join();
  blocking.join();
  hashing.Stop();  // queued password jobs finish before the store closes
  listeners.clear();

  if (auto s = store->Checkpoint(); !s.ok()) spdlog::warn("store checkpoint: {}", s.ToString());
  store.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace krypton::app
