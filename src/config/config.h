// Config: every setting of the server, with its default, in one value.
//
// Sources, later ones winning: built-in defaults < the TOML file < KRYPTON_*
// environment variables < `--set section.key=value` flags. Every key is declared once
// in config.cc's key table (name, type, bounds, documentation); docs/configuration.md
// lists the same keys and a test keeps the two in step. Unknown keys are errors, so a
// typo never silently falls back to a default.
//
// Ports: -1 disables a listener, 0 asks the OS for a free port (tests), and an unset
// port takes the value of the profile (`dev` unprivileged ports, `hekr` the Hekr
// ports, spec D4).
//
// A Config is loaded once at start-up and then read-only: share it by const reference.
#ifndef KRYPTON_CONFIG_CONFIG_H_
#define KRYPTON_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace krypton::config {

inline constexpr int kPortUnset = -2;
inline constexpr int kPortDisabled = -1;

struct ServerConfig {
  int threads = 0;                 // event loops; 0 = one per core
  int shutdown_timeout_ms = 5000;  // bound on graceful shutdown
  int blocking_threads = 2;        // workers for blocking work (zip, imports)
  // Password hashing (auth/hash_queue.h): its own workers and a bounded queue with a
  // per-account share; beyond either bound 429 400016 at once.
  int hash_threads = 2;
  int hash_queue_max = 64;
  int hash_queue_per_account = 2;
};

struct LogConfig {
  std::string level = "info";
  std::string format = "text";  // text | json
};

struct ListenConfig {
  std::string address = "0.0.0.0";  // bind address of every listener
};

// Connections that have not logged in yet, and the accept loop (issue 14 §4,
// docs/security/conns.md).
struct NetConfig {
  int max_prelogin_per_ip = 128;  // per hub listener; 0 = unlimited
  int fd_reserve = 256;           // descriptors pre-login hub connections may not use
  int accept_backoff_max_ms = 1000;
  int log_interval_s = 10;  // one warn line per listener and reason per interval
};

struct InfoConfig {
  int port = kPortUnset;  // dispatch (getProdInfo)
};

// Devices speak TCP JSON lines (plain or TLS). The spec's optional device WebSocket ports
// (84/184) come back as keys with their listeners (docs/configuration.md, "Not yet").
struct DeviceHubConfig {
  int port = kPortUnset;
  int tls_port = kPortUnset;
};

struct AppHubConfig {
  int tcp_port = kPortUnset;
  int tls_port = kPortUnset;
  int ws_port = kPortUnset;
  int wss_port = kPortUnset;
};

struct HubConfig {
  DeviceHubConfig device;
  AppHubConfig app;
  std::string public_host;      // "" = this machine's host name
  int public_device_port = 0;   // 0 = the device hub's bound port
  std::string public_app_host;  // "" = public_host
  std::string public_domain = "localhost";
  int success_code = 200;  // 200 | 1200000 (D1)
  int idle_timeout_s = 30;
  int idle_grace_s = 15;
  int login_timeout_s = 30;
  int relay_timeout_s = 10;        // D25
  int max_line_bytes = 65536;      // longer line → errorResp 1400001 and close
  int max_pending_writes = 1024;   // per-session outgoing queue; full → close the session
  int max_connections = 18000;     // per listener; beyond → accept and close at once
  int max_connections_per_ip = 0;  // 0 = unlimited
  int device_registrations_per_ip_per_min = 300;  // new devTids per client IP (D29)
  std::string report_host_check = "log";          // log | reject | off (D21)
  bool app_kick_same_apptid = true;               // D8
  int access_cache_ms = 2000;                     // per-loop cache of who may see/command a device
  int access_cache_entries = 100000;
};

struct TlsConfig {
  std::string cert_file;  // PEM chain; TLS listeners start only when both are set
  std::string key_file;
};

struct HttpConfig {
  int port = kPortUnset;
  int tls_port = kPortUnset;
  int auth_failure_status = 403;  // 403 | 401 (D2)
  int max_header_bytes = 8192;
  int max_body_bytes = 1048576;
  int read_timeout_s = 30;
  int idle_timeout_s = 60;
  int max_connections = 4096;
  std::string cors_origins = "*";  // "" = no CORS headers; "*" or a comma list
  // Base of the URLs the server hands out for its own files (H5 pages and packages);
  // "" = http://{hub.public_host or this machine's host name}:{HTTP port}.
  std::string public_url;
};

struct JwtConfig {
  std::string alg = "HS256";  // HS256 | RS256 (D10)
  std::string key_file;       // "" = <data_dir>/jwt.key
  int access_ttl_s = 86400;
  int refresh_ttl_s = 2592000;
};

struct UaaConfig {
  std::string error_codes = "uaa";  // uaa | table (D18)
  bool captcha_required = false;
};

struct MailConfig {
  std::string sender = "log";  // log (D13)
  std::string outbox;          // "" = <data_dir>/outbox.jsonl
};

struct StoreConfig {
  std::string backend = "sqlite";  // the only one; cluster mode (issue 18) adds others
  std::string sqlite_path;         // "" = <data_dir>/krypton.db
  int busy_timeout_ms = 5000;
};

struct LimitsConfig {  // D12, user-api.md §8
  int folders_per_user = 128;
  int devices_per_folder = 512;
  int shares_per_device = 10;
  int tasks_per_device_user = 10;  // scheduler tasks per (device, user): 5400018
  int task_min_interval_s = 60;    // a task firing more often → 6400017
  // Linkage rules and cloud files come with their keys (docs/configuration.md, "Not yet").
  int verify_code_interval_s = 60;
  int verify_codes_per_day = 5;
  int emails_per_day = 5;
  // Requests per client IP per hour to the endpoints that tell whether an account
  // exists (getVerifyCode, register, resetPassword, the reset/verification e-mails).
  int account_probes_per_ip_per_hour = 60;
  int pin_ttl_s = 600;
  int short_code_pool = 100000000;  // 8-digit short codes handed out: 00000000 … pool-1
  int reverse_template_ttl_s = 300;
  int reverse_request_ttl_s = 604800;
  int page_size_devices = 50;
  // Guessing secrets (auth/attempt_limiter.h, docs/security/passwords.md): failed checks
  // counted per window before the next guess gets 429 400016 unchecked.
  int login_failures_per_account = 5;  // passwords (login, changePassword) per account
  int password_failures_per_ip = 30;   // passwords per client IP
  int code_failures_per_target = 10;   // verify codes, e-mail tokens, PINs, short codes
  int code_failures_per_ip = 30;       // the same per client IP
  int login_failure_window_s = 900;    // the window of all four
  int requests_per_ip_per_s = 50;      // HTTP burst limit per client IP, 429 400016
  // H5 packages (decision 0010): the uploaded zip (the HTTP body limit of its route;
  // beyond it 413), its entries and its unpacked size (beyond either 8400002).
  int h5_package_bytes = 20971520;
  int h5_package_entries = 2000;
  int h5_unpacked_bytes = 104857600;
};

// The scheduler engine (src/scheduler/engine.h, issue 16).
struct SchedulerConfig {
  int misfire_grace_s = 60;    // a firing missed by less (downtime) still fires, once
  int claim_batch = 1000;      // firings claimed per store transaction
  int max_in_flight = 50000;   // firings sent and awaiting their outcome; beyond: wait
  int history_per_task = 100;  // firings kept per task (older ones are pruned)
};

struct Config {
  std::string profile = "dev";  // dev | hekr (D4)
  std::string data_dir = "./data";
  ServerConfig server;
  LogConfig log;
  ListenConfig listen;
  NetConfig net;
  InfoConfig info;
  HubConfig hub;
  TlsConfig tls;
  HttpConfig http;
  JwtConfig jwt;
  UaaConfig uaa;
  MailConfig mail;
  StoreConfig store;
  LimitsConfig limits;
  SchedulerConfig scheduler;

  // Derived paths (data_dir-relative defaults applied by Load).
  std::string JwtKeyPath() const;
  std::string OutboxPath() const;
  std::string SqlitePath() const;
  bool TlsEnabled() const { return !tls.cert_file.empty() && !tls.key_file.empty(); }
  // http.public_url without a trailing '/', or http://{hub.public_host or the host
  // name}:{http_port} when it is empty (`http_port`: the bound port when known).
  std::string PublicHttpUrl(int http_port) const;
};

// What Load reads. `env` is the process environment (name → value); `overrides` are
// the `--set` pairs in order.
struct Sources {
  std::string config_file;            // "" = none
  bool config_file_required = false;  // true when named on the command line
  std::map<std::string, std::string> env;
  std::vector<std::pair<std::string, std::string>> overrides;
  std::string data_dir;  // --data-dir; "" = keep the configured value
};

// Loads and validates. On failure returns false and sets *error to one line naming
// the source and the key ("krypton.toml: hub.idle_timeout_s: must be ≥ 1").
bool Load(const Sources& sources, Config* out, std::string* error);

// The process environment as a map (for Sources::env).
std::map<std::string, std::string> ProcessEnvironment();

struct KeyDoc {
  std::string key;            // "hub.idle_timeout_s"
  std::string env;            // "KRYPTON_HUB_IDLE_TIMEOUT_S"
  std::string type;           // int | bool | string | port
  std::string default_value;  // as text ("profile" for profile-dependent ports)
  std::string doc;
};

// Every key, in declaration order (for `krypton config keys` and the docs test).
std::vector<KeyDoc> Keys();

// The resolved configuration as TOML text (`krypton config show`).
std::string ToToml(const Config& config);

}  // namespace krypton::config

#endif  // KRYPTON_CONFIG_CONFIG_H_
