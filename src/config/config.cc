#include "config/config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <variant>

extern char** environ;

namespace krypton::config {
namespace {

using Field = std::variant<int*, bool*, std::string*>;

enum class Type { kInt, kPort, kBool, kString };

struct Key {
  const char* name;
  Type type;
  std::function<Field(Config&)> field;
  const char* doc;
  int64_t min = INT_MIN;  // for kInt
  int64_t max = INT_MAX;
  std::vector<std::string> choices = {};  // for kString (or kInt) when restricted
};

#define KFIELD(expr) [](Config& c) -> Field { return &c.expr; }

const std::vector<Key>& KeyTable() {
  static const std::vector<Key> keys = {
      {"profile",
       Type::kString,
       KFIELD(profile),
       "Port profile: dev (unprivileged ports) or hekr (the Hekr ports 91/83/85/86/185/186).",
       0,
       0,
       {"dev", "hekr"}},
      {"data_dir", Type::kString, KFIELD(data_dir),
       "Data directory: SQLite database, generated secrets, outbox."},
      {"server.threads", Type::kInt, KFIELD(server.threads),
       "Event loops (one thread each); 0 = one per core.", 0, 256},
      {"server.shutdown_timeout_ms", Type::kInt, KFIELD(server.shutdown_timeout_ms),
       "Longest graceful shutdown: after it, remaining sessions are dropped.", 100, 600000},
      {"server.blocking_threads", Type::kInt, KFIELD(server.blocking_threads),
       "Worker threads for blocking work other than password hashing (H5 zips, device imports); "
       "never the event loops.",
       1, 64},
      {"server.hash_threads", Type::kInt, KFIELD(server.hash_threads),
       "Worker threads of the password hashing queue (argon2id for login, register, reset, "
       "changePassword).",
       1, 64},
      {"server.hash_queue_max", Type::kInt, KFIELD(server.hash_queue_max),
       "Password hashing jobs waiting or running in total; beyond it 429 400016 at once.", 1,
       100000},
      {"server.hash_queue_per_account", Type::kInt, KFIELD(server.hash_queue_per_account),
       "Password hashing jobs waiting or running for one account (or login name); beyond it "
       "429 400016 at once. Accounts are served in turn.",
       1, 1000},
      {"log.level",
       Type::kString,
       KFIELD(log.level),
       "Log level.",
       0,
       0,
       {"trace", "debug", "info", "warn", "error", "critical", "off"}},
      {"log.format",
       Type::kString,
       KFIELD(log.format),
       "Log line format: text or json (JSON lines).",
       0,
       0,
       {"text", "json"}},
      {"listen.address", Type::kString, KFIELD(listen.address), "Bind address of every listener."},
      {"net.max_prelogin_per_ip", Type::kInt, KFIELD(net.max_prelogin_per_ip),
       "Connections not yet logged in per client IP per hub listener (device, app, dispatch); "
       "beyond it new connections are closed at accept (counted, logged). 0 = unlimited.",
       0, 10000000},
      {"net.fd_reserve", Type::kInt, KFIELD(net.fd_reserve),
       "File descriptors kept for HTTP and logged-in sessions: a hub connection not yet logged "
       "in whose descriptor is >= RLIMIT_NOFILE - reserve is closed at accept (the reserve is "
       "at most half the limit). 0 = no reserve.",
       0, 1000000},
      {"net.accept_backoff_max_ms", Type::kInt, KFIELD(net.accept_backoff_max_ms),
       "Longest rest of a listener after failed accepts (descriptors exhausted): 50 ms, "
       "doubling per failure up to this.",
       50, 60000},
      {"net.log_interval_s", Type::kInt, KFIELD(net.log_interval_s),
       "At most one warning per listener and reason (accept failures, refused connections) "
       "per this many seconds, with the count of the ones left out.",
       1, 3600},
      {"info.port", Type::kPort, KFIELD(info.port), "Dispatch (getProdInfo) TCP port."},
      {"hub.device.port", Type::kPort, KFIELD(hub.device.port), "Device hub TCP port."},
      {"hub.device.tls_port", Type::kPort, KFIELD(hub.device.tls_port),
       "Device hub TLS port (only with a certificate)."},
      {"hub.app.tcp_port", Type::kPort, KFIELD(hub.app.tcp_port), "App hub TCP port."},
      {"hub.app.tls_port", Type::kPort, KFIELD(hub.app.tls_port),
       "App hub TLS port (only with a certificate)."},
      {"hub.app.ws_port", Type::kPort, KFIELD(hub.app.ws_port), "App hub WebSocket port."},
      {"hub.app.wss_port", Type::kPort, KFIELD(hub.app.wss_port),
       "App hub secure WebSocket port (only with a certificate)."},
      {"hub.public_host", Type::kString, KFIELD(hub.public_host),
       "Host name getProdInfo gives devices; empty = this machine's host name."},
      {"hub.public_device_port", Type::kInt, KFIELD(hub.public_device_port),
       "Port getProdInfo gives devices; 0 = the device hub's bound port.", 0, 65535},
      {"hub.public_app_host", Type::kString, KFIELD(hub.public_app_host),
       "App hub host in device objects (dcInfo.connectHost); empty = hub.public_host."},
      {"hub.public_domain", Type::kString, KFIELD(hub.public_domain),
       "Domain answered to getAppDomain."},
      {"hub.success_code",
       Type::kInt,
       KFIELD(hub.success_code),
       "Hub success code: 200 (every known client) or 1200000 (D1).",
       200,
       1200000,
       {"200", "1200000"}},
      {"hub.idle_timeout_s", Type::kInt, KFIELD(hub.idle_timeout_s),
       "Expected heartbeat interval of devices and apps.", 1, 3600},
      {"hub.idle_grace_s", Type::kInt, KFIELD(hub.idle_grace_s),
       "Grace after the idle timeout before a silent connection is closed.", 0, 3600},
      {"hub.login_timeout_s", Type::kInt, KFIELD(hub.login_timeout_s),
       "Absolute deadline from accept: a device or app connection not logged in by then is "
       "closed, whatever it sent (heartbeats included); a dispatch connection is closed then "
       "in any case.",
       1, 3600},
      {"hub.relay_timeout_s", Type::kInt, KFIELD(hub.relay_timeout_s),
       "Wait for a device's answer to a relayed command, then 1500001 (D25).", 1, 300},
      {"hub.max_line_bytes", Type::kInt, KFIELD(hub.max_line_bytes),
       "Longest JSON line; a longer one gets errorResp 1400001 and the connection closes.", 512,
       16777216},
      {"hub.max_pending_writes", Type::kInt, KFIELD(hub.max_pending_writes),
       "Outgoing messages queued per session; a session whose queue is full is closed.", 1,
       1000000},
      {"hub.max_connections", Type::kInt, KFIELD(hub.max_connections),
       "Open connections per hub listener; beyond it new connections are closed at once.", 1,
       10000000},
      {"hub.max_connections_per_ip", Type::kInt, KFIELD(hub.max_connections_per_ip),
       "Open connections per client IP per listener; 0 = unlimited.", 0, 10000000},
      {"hub.device_registrations_per_ip_per_min", Type::kInt,
       KFIELD(hub.device_registrations_per_ip_per_min),
       "Unknown devTids one client IP may register (first successful devLogin of a "
       "self-registering product) per minute; beyond it devLogin answers 1400000 and stores "
       "nothing (D29).",
       1, 10000000},
      {"hub.report_host_check",
       Type::kString,
       KFIELD(hub.report_host_check),
       "reportDevInfo with a foreign serviceHost/Port: log, reject (1400024) or off (D21).",
       0,
       0,
       {"log", "reject", "off"}},
      {"hub.app_kick_same_apptid", Type::kBool, KFIELD(hub.app_kick_same_apptid),
       "A second app login with the same uid and appTid closes the first (D8)."},
      {"hub.access_cache_ms", Type::kInt, KFIELD(hub.access_cache_ms),
       "How long each event loop reuses a device's owner/shares/ctrlKey and a product's parsed "
       "template; 0 = read the store every time. In-process changes invalidate at once; other "
       "processes' (the admin CLI) within this time.",
       0, 600000},
      {"hub.access_cache_entries", Type::kInt, KFIELD(hub.access_cache_entries),
       "Devices (and, separately, products) cached per event loop; when full, that loop's cache "
       "is emptied.",
       1, 10000000},
      {"tls.cert_file", Type::kString, KFIELD(tls.cert_file),
       "PEM certificate chain; TLS listeners start only when cert and key are set."},
      {"tls.key_file", Type::kString, KFIELD(tls.key_file), "PEM private key."},
      {"http.port", Type::kPort, KFIELD(http.port), "HTTP port (UAA, user and enterprise APIs)."},
      {"http.tls_port", Type::kPort, KFIELD(http.tls_port),
       "HTTPS port (only with a certificate)."},
      {"http.auth_failure_status",
       Type::kInt,
       KFIELD(http.auth_failure_status),
       "HTTP status of a missing/invalid bearer: 403 or 401 (D2).",
       401,
       403,
       {"401", "403"}},
      {"http.max_header_bytes", Type::kInt, KFIELD(http.max_header_bytes),
       "Largest request header block; beyond it 431 and close.", 1024, 1048576},
      {"http.max_body_bytes", Type::kInt, KFIELD(http.max_body_bytes),
       "Largest request body of every route without its own limit (the H5 package upload has "
       "limits.h5_package_bytes); beyond it 413 and close.",
       1024, 1073741824},
      {"http.read_timeout_s", Type::kInt, KFIELD(http.read_timeout_s),
       "Time to receive a whole request once it has started.", 1, 3600},
      {"http.idle_timeout_s", Type::kInt, KFIELD(http.idle_timeout_s),
       "Keep-alive connections idle this long are closed.", 1, 3600},
      {"http.max_connections", Type::kInt, KFIELD(http.max_connections),
       "Open HTTP connections; beyond it new connections are closed at once.", 1, 1000000},
      {"http.cors_origins", Type::kString, KFIELD(http.cors_origins),
       "Access-Control-Allow-Origin: \"*\", a comma-separated list, or empty for none."},
      {"http.public_url", Type::kString, KFIELD(http.public_url),
       "Base of the URLs of hosted H5 pages and packages (e.g. https://cdn.example.com); empty = "
       "http://{hub.public_host or host name}:{HTTP port}."},
      {"jwt.alg",
       Type::kString,
       KFIELD(jwt.alg),
       "JWT signature: HS256 or RS256 (D10).",
       0,
       0,
       {"HS256", "RS256"}},
      {"jwt.key_file", Type::kString, KFIELD(jwt.key_file),
       "JWT key (HS256 secret or RS256 PEM); empty = <data_dir>/jwt.key."},
      {"jwt.access_ttl_s", Type::kInt, KFIELD(jwt.access_ttl_s), "Access token lifetime.", 1,
       31536000},
      {"jwt.refresh_ttl_s", Type::kInt, KFIELD(jwt.refresh_ttl_s), "Refresh token lifetime.", 1,
       315360000},
      {"uaa.error_codes",
       Type::kString,
       KFIELD(uaa.error_codes),
       "UAA error family: uaa (3400xxx) or table (the customer's equivalents, D18).",
       0,
       0,
       {"uaa", "table"}},
      {"uaa.captcha_required", Type::kBool, KFIELD(uaa.captcha_required),
       "Require an image captcha before sending verify codes."},
      {"mail.sender",
       Type::kString,
       KFIELD(mail.sender),
       "Verify-code and e-mail delivery: log (server log + outbox file, D13).",
       0,
       0,
       {"log"}},
      {"mail.outbox", Type::kString, KFIELD(mail.outbox),
       "Outbox file; empty = <data_dir>/outbox.jsonl."},
      {"store.backend",
       Type::kString,
       KFIELD(store.backend),
       "Storage backend: sqlite (the only one until cluster mode, issue 18).",
       0,
       0,
       {"sqlite"}},
      {"store.sqlite_path", Type::kString, KFIELD(store.sqlite_path),
       "SQLite database file; empty = <data_dir>/krypton.db."},
      {"store.busy_timeout_ms", Type::kInt, KFIELD(store.busy_timeout_ms),
       "How long a statement waits for a lock held by another process.", 0, 600000},
      {"limits.folders_per_user", Type::kInt, KFIELD(limits.folders_per_user),
       "Folders per user (6400008).", 1, 100000},
      {"limits.devices_per_folder", Type::kInt, KFIELD(limits.devices_per_folder),
       "Devices per folder, root included (6400005).", 1, 1000000},
      {"limits.shares_per_device", Type::kInt, KFIELD(limits.shares_per_device),
       "Shares per device of a product whose maxDevShareNum is 0 (5400011, decision 0006).", 1,
       10000},
      {"limits.tasks_per_device_user", Type::kInt, KFIELD(limits.tasks_per_device_user),
       "Scheduler tasks per (device, user); one more → 5400018.", 1, 10000},
      {"limits.task_min_interval_s", Type::kInt, KFIELD(limits.task_min_interval_s),
       "Shortest gap between two firings of one scheduler task; a task firing more often → "
       "6400017.",
       1, 86400},
      {"limits.verify_code_interval_s", Type::kInt, KFIELD(limits.verify_code_interval_s),
       "One verify code per target per this many seconds (429 400016).", 1, 86400},
      {"limits.verify_codes_per_day", Type::kInt, KFIELD(limits.verify_codes_per_day),
       "Verify codes per target per day (429 3400005).", 1, 10000},
      {"limits.emails_per_day", Type::kInt, KFIELD(limits.emails_per_day),
       "Reset and verification e-mails per address per day (429 400017).", 1, 10000},
      {"limits.account_probes_per_ip_per_hour", Type::kInt,
       KFIELD(limits.account_probes_per_ip_per_hour),
       "Requests per client IP per hour to getVerifyCode, register, resetPassword, "
       "sendResetPasswordEmail and resendVerifiedEmail, whose answers tell whether an account "
       "exists; beyond it 429 400016.",
       1, 1000000},
      {"limits.pin_ttl_s", Type::kInt, KFIELD(limits.pin_ttl_s),
       "Binding PIN lifetime (1400029 / 5400007).", 1, 86400},
      {"limits.short_code_pool", Type::kInt, KFIELD(limits.short_code_pool),
       "Short codes available (8 digits, 00000000 up to this minus one); all taken → 5400046.", 1,
       100000000},
      {"limits.reverse_template_ttl_s", Type::kInt, KFIELD(limits.reverse_template_ttl_s),
       "Reverse-authorization template lifetime (5400027).", 1, 86400},
      {"limits.reverse_request_ttl_s", Type::kInt, KFIELD(limits.reverse_request_ttl_s),
       "Pending reverse-authorization request lifetime (6400001).", 1, 31536000},
      {"limits.page_size_devices", Type::kInt, KFIELD(limits.page_size_devices),
       "Largest page of devices and folders (clamped).", 1, 10000},
      {"limits.login_failures_per_account", Type::kInt, KFIELD(limits.login_failures_per_account),
       "Failed password checks (login, changePassword) per account (case-insensitive login "
       "name when unknown) per limits.login_failure_window_s; then 429 400016 unchecked, even "
       "for the right password.",
       1, 10000},
      {"limits.password_failures_per_ip", Type::kInt, KFIELD(limits.password_failures_per_ip),
       "Failed password checks per client IP per limits.login_failure_window_s; then 429 "
       "400016 unchecked.",
       1, 1000000},
      {"limits.code_failures_per_target", Type::kInt, KFIELD(limits.code_failures_per_target),
       "Failed checks of a verify code (per phone/e-mail), e-mail link token (per account), "
       "binding PIN (per account or device) or short-code password (per short code) per "
       "limits.login_failure_window_s; then 429 400016 (hub: the PIN's refusal) unchecked.",
       1, 1000000},
      {"limits.code_failures_per_ip", Type::kInt, KFIELD(limits.code_failures_per_ip),
       "Failed checks of those secrets per client IP per limits.login_failure_window_s; then "
       "429 400016 unchecked.",
       1, 1000000},
      {"limits.login_failure_window_s", Type::kInt, KFIELD(limits.login_failure_window_s),
       "Window of the failed-secret counters: it starts with a key's first failure.", 1, 86400},
      {"limits.requests_per_ip_per_s", Type::kInt, KFIELD(limits.requests_per_ip_per_s),
       "HTTP requests per client IP per second before 429 400016.", 1, 1000000},
      {"limits.h5_package_bytes", Type::kInt, KFIELD(limits.h5_package_bytes),
       "Largest H5 package upload (the body limit of PUT /api/v1/enterprise/h5/{id}/package "
       "only); beyond it 413 and close.",
       1024, 1073741824},
      {"limits.h5_package_entries", Type::kInt, KFIELD(limits.h5_package_entries),
       "Most entries (files and folders) in an H5 package; more → 8400002, nothing changed.", 1,
       1000000},
      {"limits.h5_unpacked_bytes", Type::kInt, KFIELD(limits.h5_unpacked_bytes),
       "Largest total unpacked size of an H5 package (zip bombs); more → 8400002, nothing "
       "changed.",
       1024, 2147483647},
      {"scheduler.misfire_grace_s", Type::kInt, KFIELD(scheduler.misfire_grace_s),
       "A firing missed (server down, overloaded) by less than this still fires, once; later "
       "ones are recorded MISSED.",
       0, 86400},
      {"scheduler.claim_batch", Type::kInt, KFIELD(scheduler.claim_batch),
       "Due firings claimed per store transaction.", 1, 100000},
      {"scheduler.max_in_flight", Type::kInt, KFIELD(scheduler.max_in_flight),
       "Firings sent and awaiting the device's answer; at the bound the engine claims no more "
       "until answers (or timeouts) arrive, so later firings are late, never lost.",
       1, 1000000},
      {"scheduler.history_per_task", Type::kInt, KFIELD(scheduler.history_per_task),
       "Firings kept per task in its history; older ones are deleted as new ones are claimed.", 1,
       100000},
  };
  return keys;
}

#undef KFIELD

struct PortDefault {
  const char* key;
  int dev;
  int hekr;
};

constexpr PortDefault kPortDefaults[] = {
    {"info.port", 9091, 91},
    {"hub.device.port", 9083, 83},
    {"hub.device.tls_port", 9183, 183},
    {"hub.app.tcp_port", 9085, 85},
    {"hub.app.tls_port", 9185, 185},
    {"hub.app.ws_port", 9086, 86},
    {"hub.app.wss_port", 9186, 186},
    {"http.port", 8080, 80},
    {"http.tls_port", 8443, 443},
};

std::string EnvName(std::string_view key) {
  std::string out = "KRYPTON_";
  for (char c : key) out += (c == '.') ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

const Key* FindKey(std::string_view name) {
  for (const Key& k : KeyTable()) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

// Parses `text` into the key's field and checks its bounds. Returns "" or an error.
std::string Assign(const Key& key, std::string_view text, Config* c) {
  Field field = key.field(*c);
  if (key.type == Type::kBool) {
    bool v;
    if (text == "true" || text == "1" || text == "yes" || text == "on") {
      v = true;
    } else if (text == "false" || text == "0" || text == "no" || text == "off") {
      v = false;
    } else {
      return "expected true or false, got \"" + std::string(text) + "\"";
    }
    *std::get<bool*>(field) = v;
    return "";
  }
  if (key.type == Type::kString) {
    if (!key.choices.empty() &&
        std::find(key.choices.begin(), key.choices.end(), text) == key.choices.end()) {
      std::string list;
      for (const auto& ch : key.choices) list += (list.empty() ? "" : ", ") + ch;
      return "must be one of " + list + ", got \"" + std::string(text) + "\"";
    }
    *std::get<std::string*>(field) = std::string(text);
    return "";
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return "expected an integer, got \"" + std::string(text) + "\"";
  }
  if (key.type == Type::kPort) {
    if (v < -1 || v > 65535) return "must be a port 0..65535, or -1 to disable";
  } else {
    if (!key.choices.empty() &&
        std::find(key.choices.begin(), key.choices.end(), std::to_string(v)) == key.choices.end()) {
      std::string list;
      for (const auto& ch : key.choices) list += (list.empty() ? "" : ", ") + ch;
      return "must be one of " + list;
    }
    if (v < key.min) return "must be >= " + std::to_string(key.min);
    if (v > key.max) return "must be <= " + std::to_string(key.max);
  }
  *std::get<int*>(field) = static_cast<int>(v);
  return "";
}

// Flattens a TOML table into dotted keys.
bool LoadToml(const std::string& path, Config* c, std::string* error) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << path << ":" << e.source().begin.line << ": " << e.description();
    *error = os.str();
    return false;
  }
  bool ok = true;
  std::function<void(const toml::table&, const std::string&)> walk =
      [&](const toml::table& t, const std::string& prefix) {
        for (auto&& [k, node] : t) {
          if (!ok) return;
          std::string name =
              prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
          if (const toml::table* sub = node.as_table()) {
            walk(*sub, name);
            continue;
          }
          const Key* key = FindKey(name);
          if (key == nullptr) {
            *error = path + ": unknown key " + name;
            ok = false;
            return;
          }
          std::string text;
          if (auto s = node.value<std::string>(); s && node.is_string()) {
            text = *s;
          } else if (node.is_integer()) {
            text = std::to_string(*node.value<int64_t>());
          } else if (node.is_boolean()) {
            text = *node.value<bool>() ? "true" : "false";
          } else {
            *error = path + ": " + name + ": unsupported value type";
            ok = false;
            return;
          }
          std::string e = Assign(*key, text, c);
          if (!e.empty()) {
            *error = path + ": " + name + ": " + e;
            ok = false;
          }
        }
      };
  walk(root, "");
  return ok;
}

std::string Join(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

}  // namespace

std::string Config::JwtKeyPath() const {
  return jwt.key_file.empty() ? Join(data_dir, "jwt.key") : jwt.key_file;
}
std::string Config::OutboxPath() const {
  return mail.outbox.empty() ? Join(data_dir, "outbox.jsonl") : mail.outbox;
}
std::string Config::SqlitePath() const {
  return store.sqlite_path.empty() ? Join(data_dir, "krypton.db") : store.sqlite_path;
}

std::string Config::PublicHttpUrl(int http_port) const {
  std::string url = http.public_url;
  if (url.empty()) {
    std::string host = hub.public_host;
    if (host.empty()) {
      char buf[256] = {};
      host = gethostname(buf, sizeof buf - 1) == 0 ? buf : "localhost";
    }
    url = "http://" + host + ":" + std::to_string(http_port);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool Load(const Sources& sources, Config* out, std::string* error) {
  Config c;
  if (!sources.config_file.empty()) {
    if (std::filesystem::exists(sources.config_file)) {
      if (!LoadToml(sources.config_file, &c, error)) return false;
    } else if (sources.config_file_required) {
      *error = sources.config_file + ": no such file";
      return false;
    }
  }
  for (const Key& key : KeyTable()) {
    auto it = sources.env.find(EnvName(key.name));
    if (it == sources.env.end()) continue;
    std::string e = Assign(key, it->second, &c);
    if (!e.empty()) {
      *error = it->first + ": " + e;
      return false;
    }
  }
  for (const auto& [name, value] : sources.overrides) {
    const Key* key = FindKey(name);
    if (key == nullptr) {
      *error = "--set " + name + ": unknown key";
      return false;
    }
    std::string e = Assign(*key, value, &c);
    if (!e.empty()) {
      *error = "--set " + name + ": " + e;
      return false;
    }
  }
  if (!sources.data_dir.empty()) c.data_dir = sources.data_dir;
  bool hekr = c.profile == "hekr";
  for (const PortDefault& p : kPortDefaults) {
    int* port = std::get<int*>(FindKey(p.key)->field(c));
    if (*port == kPortUnset) *port = hekr ? p.hekr : p.dev;
  }
  *out = std::move(c);
  return true;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    if (kv.substr(0, 8) != "KRYPTON_") continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::vector<KeyDoc> Keys() {
  std::vector<KeyDoc> docs;
  Config defaults;
  for (const Key& key : KeyTable()) {
    KeyDoc d;
    d.key = key.name;
    d.env = EnvName(key.name);
    Field f = key.field(defaults);
    switch (key.type) {
      case Type::kInt:
        d.type = "int";
        d.default_value = std::to_string(*std::get<int*>(f));
        break;
      case Type::kPort: {
        d.type = "port";
        for (const PortDefault& p : kPortDefaults) {
          if (d.key == p.key) {
            d.default_value = std::to_string(p.dev) + " (hekr: " + std::to_string(p.hekr) + ")";
          }
        }
        break;
      }
      case Type::kBool:
        d.type = "bool";
        d.default_value = *std::get<bool*>(f) ? "true" : "false";
        break;
      case Type::kString:
        d.type = "string";
        d.default_value = "\"" + *std::get<std::string*>(f) + "\"";
        break;
    }
    d.doc = key.doc;
    docs.push_back(std::move(d));
  }
  return docs;
}

std::string ToToml(const Config& config) {
  Config copy = config;
  std::string out;
  std::string section;
  for (const Key& key : KeyTable()) {
    std::string name = key.name;
    size_t dot = name.rfind('.');
    std::string sec = dot == std::string::npos ? "" : name.substr(0, dot);
    std::string leaf = dot == std::string::npos ? name : name.substr(dot + 1);
    if (sec != section) {
      out += "\n[" + sec + "]\n";
      section = sec;
    }
    Field f = key.field(copy);
    out += leaf + " = ";
    if (auto* i = std::get_if<int*>(&f)) {
      out += std::to_string(**i);
    } else if (auto* b = std::get_if<bool*>(&f)) {
      out += **b ? "true" : "false";
    } else {
      out += "\"" + *std::get<std::string*>(f) + "\"";
    }
    out += "\n";
  }
  return out;
}

}  // namespace krypton::config
