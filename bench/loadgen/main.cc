// krypton-loadgen: drives Krypton (its real device and app protocols) or Mosquitto
// (MQTT 3.1.1, QoS 0, the equivalent topic pattern) and reports throughput, latency
// percentiles, errors and the server's RSS/CPU. Scenarios: register, roundtrip, idle,
// login-storm, fanout (bench/README.md; bench/run.sh runs them end to end).
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <unordered_map>
#include <vector>

#include "conn.h"
#include "histogram.h"
#include "proc_stats.h"

namespace loadgen {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "krypton", scenario = "roundtrip", host = "127.0.0.1";
  int device_port = 9083, app_port = 9085, app_ws_port = 9086, mqtt_port = 1883;
  std::string app_transport = "tcp";  // tcp | ws
  int pairs = 10, devices = 100, apps = 100, concurrency = 50;
  int offset = 0;
  std::string token, app_prefix = "lg-app-", dev_prefix = "LG", prod_key = "xxxxxx";
  std::string token_file = "loadgen.tokens";
  double duration_s = 10, warmup_s = 2, rate = 0;
  int payload = 0, heartbeat_s = 25;
  int server_pid = 0;
  bool json = false;
};

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

std::string Get(simdjson::dom::parser& p, std::string_view json, const char* ptr) {
  simdjson::dom::element e, v;
  if (p.parse(json.data(), json.size()).get(e) != simdjson::SUCCESS) return "";
  if (e.at_pointer(ptr).get(v) != simdjson::SUCCESS) return "";
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(v);
}

std::map<std::string, std::string> ReadTokens(const std::string& path) {
  std::map<std::string, std::string> tokens;
  std::ifstream in(path);
  std::string dev, tok;
  while (in >> dev >> tok) tokens[dev] = tok;
  return tokens;
}

struct Stats {
  Histogram hist;
  uint64_t ok = 0, errors = 0, sent = 0;
};

class Runner {
 public:
  explicit Runner(Options o) : o_(std::move(o)), tokens_(ReadTokens(o_.token_file)) {}

  int Run() {
    ProcSample before = SampleProc(o_.server_pid);
    int rc = 0;
    if (o_.scenario == "register")
      rc = Register();
    else if (o_.scenario == "roundtrip")
      rc = Roundtrip();
    else if (o_.scenario == "idle")
      rc = Idle(before);
    else if (o_.scenario == "login-storm")
      rc = LoginStorm();
    else if (o_.scenario == "fanout")
      rc = Fanout();
    else {
      std::cerr << "unknown scenario " << o_.scenario << "\n";
      return 2;
    }
    return rc;
  }

 private:
  bool kMqtt() const { return o_.target == "mosquitto"; }
  tcp::endpoint Ep(int port) {
    return {asio::ip::make_address(o_.host), static_cast<uint16_t>(port)};
  }
  std::string DevTid(int i) { return o_.dev_prefix + std::to_string(o_.offset + i); }
  std::string Pad() { return o_.payload > 0 ? std::string(o_.payload, 'x') : std::string(); }

  // Runs the context until `pred` or the deadline; false on timeout.
  template <typename Pred>
  bool RunUntil(Pred pred, double seconds) {
    auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (!pred()) {
      if (Clock::now() > deadline) return false;
      ioc_.run_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  // ---- Krypton device and app connections -------------------------------------------

  struct Device {
    std::shared_ptr<Conn> conn;
    std::string dev_tid, ctrl_key, token;
    bool online = false, failed = false;
  };

  // A Krypton app connection: JSON lines over TCP, or WebSocket (--app-transport ws).
  std::shared_ptr<Conn> OpenApp(int* connected, int* failed) {
    return o_.app_transport == "ws"
               ? Open(o_.app_ws_port, Conn::Framing::kWebSocket, connected, failed)
               : Open(o_.app_port, Conn::Framing::kLines, connected, failed);
  }

  std::shared_ptr<Conn> Open(int port, Conn::Framing f, int* connected, int* failed) {
    auto c = std::make_shared<Conn>(ioc_, f);
    c->Connect(Ep(port), [connected, failed](bool ok) { ok ? ++*connected : ++*failed; });
    return c;
  }

  // Connects and logs in devices [0, n); each answers appSend by echoing it.
  std::vector<std::unique_ptr<Device>> LoginDevices(int n, bool answer_commands) {
    std::vector<std::unique_ptr<Device>> devs;
    int connected = 0, failed = 0;
    for (int i = 0; i < n; ++i) {
      auto d = std::make_unique<Device>();
      d->dev_tid = DevTid(i);
      auto it = tokens_.find(d->dev_tid);
      d->token = it == tokens_.end() ? "" : it->second;
      d->conn = Open(o_.device_port, Conn::Framing::kLines, &connected, &failed);
      Device* raw = d.get();
      d->conn->on_message = [this, raw, answer_commands](std::string_view line) {
        if (!raw->online) {
          if (Get(parser_, line, "/code") == "200") {
            raw->online = true;
            raw->ctrl_key = Get(parser_, line, "/params/ctrlKey");
            std::string t = Get(parser_, line, "/params/token");
            if (!t.empty() && t != "null") raw->token = t;
          } else {
            raw->failed = true;
          }
          return;
        }
        if (!answer_commands || line.find("\"appSend\"") == std::string_view::npos) return;
        std::string answer(line);
        answer.replace(answer.find("\"appSend\""), 9, "\"appSendResp\"");
        answer.insert(answer.size() - 1, R"(,"code":200,"desc":"success")");
        answer.push_back('\n');
        raw->conn->Send(std::move(answer));
      };
      devs.push_back(std::move(d));
    }
    RunUntil([&] { return connected + failed == n; }, 30);
    for (auto& d : devs) {
      d->conn->Send(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + d->dev_tid +
                    R"(","prodKey":")" + o_.prod_key + R"(","token":")" + d->token + "\"}}\n");
    }
    RunUntil(
        [&] {
          for (auto& d : devs) {
            if (!d->online && !d->failed) return false;
          }
          return true;
        },
        60);
    return devs;
  }

  int Register() {
    auto devs = LoginDevices(o_.devices, false);
    std::ofstream out(o_.token_file, std::ios::app);
    int ok = 0;
    for (auto& d : devs) {
      if (!d->online) continue;
      ++ok;
      if (tokens_[d->dev_tid] != d->token) out << d->dev_tid << " " << d->token << "\n";
    }
    std::cout << "registered " << ok << " of " << o_.devices << " devices\n";
    return ok == o_.devices ? 0 : 1;
  }

  // ---- roundtrip ----------------------------------------------------------------------

  int Roundtrip() {
    const int n = o_.pairs;
    Stats stats;
    std::vector<std::shared_ptr<Conn>> apps(n);
    std::vector<std::unique_ptr<Device>> devs;
    std::vector<std::unordered_map<int, int64_t>> inflight(n);
    std::vector<int> next_id(n, 1);
    bool measuring = false;
    int ready = 0;
    std::string pad = Pad();

    auto command = [&](int i, int id) -> std::string {
      std::string frame =
          R"({"msgId":)" + std::to_string(id) + R"(,"action":"appSend","params":{"devTid":")" +
          DevTid(i) + R"(","ctrlKey":")" + (kMqtt() ? "k" : devs[i]->ctrl_key) + R"(","appTid":")" +
          o_.app_prefix + std::to_string(i) + R"(","data":{"cmdId":2,"power":1)" +
          (pad.empty() ? "" : R"(,"pad":")" + pad + "\"") + "}}}";
      return frame;
    };
    auto send = [&](int i) {
      int id = next_id[i]++ & 0xFFFF;
      inflight[i][id] = NowUs();
      ++stats.sent;
      std::string frame = command(i, id);
      if (kMqtt()) {
        apps[i]->Send(mqtt::Publish("k/d" + std::to_string(o_.offset + i), frame));
      } else {
        apps[i]->Send(frame + "\n");
      }
    };
    auto on_answer = [&](int i, std::string_view msg) {
      std::string id_text = Get(parser_, msg, "/msgId");
      int id = id_text.empty() ? -1 : std::atoi(id_text.c_str());
      auto it = inflight[i].find(id);
      if (it == inflight[i].end()) return;
      int64_t latency = NowUs() - it->second;
      inflight[i].erase(it);
      if (measuring) {
        if (kMqtt() || Get(parser_, msg, "/code") == "200") {
          stats.hist.Record(static_cast<uint64_t>(latency));
          ++stats.ok;
        } else {
          ++stats.errors;
        }
      }
      if (o_.rate <= 0) send(i);  // closed loop: next command at once
    };

    int connected = 0, failed = 0;
    if (kMqtt()) {
      int subacks = 0;
      std::vector<std::shared_ptr<Conn>> mdevs(n);
      for (int i = 0; i < n; ++i) {
        mdevs[i] = Open(o_.mqtt_port, Conn::Framing::kMqtt, &connected, &failed);
        apps[i] = Open(o_.mqtt_port, Conn::Framing::kMqtt, &connected, &failed);
        auto dev = mdevs[i];
        mdevs[i]->on_message = [&, dev, i](std::string_view p) {
          std::string_view topic, payload;
          if (mqtt::Type(p) == 9) ++subacks;
          if (!mqtt::ParsePublish(p, &topic, &payload)) return;
          std::string answer(payload);
          answer.replace(answer.find("\"appSend\""), 9, "\"appSendResp\"");
          answer.insert(answer.size() - 1, R"(,"code":200,"desc":"success")");
          dev->Send(mqtt::Publish("k/a" + std::to_string(o_.offset + i), answer));
        };
        apps[i]->on_message = [&, i](std::string_view p) {
          std::string_view topic, payload;
          if (mqtt::Type(p) == 9) ++subacks;
          if (mqtt::ParsePublish(p, &topic, &payload)) on_answer(i, payload);
        };
      }
      RunUntil([&] { return connected + failed == 2 * n; }, 30);
      for (int i = 0; i < n; ++i) {
        mdevs[i]->Send(mqtt::Connect("d" + std::to_string(o_.offset + i), 60) +
                       mqtt::Subscribe(1, "k/d" + std::to_string(o_.offset + i)));
        apps[i]->Send(mqtt::Connect("a" + std::to_string(o_.offset + i), 60) +
                      mqtt::Subscribe(1, "k/a" + std::to_string(o_.offset + i)));
      }
      if (!RunUntil([&] { return subacks == 2 * n; }, 30)) {
        std::cerr << "mqtt: only " << subacks << " subscriptions acknowledged\n";
        return 1;
      }
      ready = n;
      for (auto& d : mdevs) keep_.push_back(d);
    } else {
      devs = LoginDevices(n, true);
      for (int i = 0; i < n; ++i) {
        if (!devs[i]->online) {
          std::cerr << "device " << devs[i]->dev_tid << " could not log in\n";
          return 1;
        }
        apps[i] = OpenApp(&connected, &failed);
        apps[i]->on_message = [&, i](std::string_view line) {
          if (line.find("\"appLoginResp\"") != std::string_view::npos) {
            if (Get(parser_, line, "/code") == "200") ++ready;
            return;
          }
          if (line.find("\"appSendResp\"") != std::string_view::npos) on_answer(i, line);
        };
      }
      RunUntil([&] { return connected + failed == n; }, 30);
      for (int i = 0; i < n; ++i) {
        apps[i]->Send(R"({"msgId":0,"action":"appLogin","params":{"appTid":")" + o_.app_prefix +
                      std::to_string(i) + R"(","token":")" + o_.token + "\"}}\n");
      }
      if (!RunUntil([&] { return ready == n; }, 30)) {
        std::cerr << "only " << ready << " apps logged in\n";
        return 1;
      }
    }

    // Open loop: one timer per pair at the offered per-pair rate.
    std::vector<std::unique_ptr<asio::steady_timer>> timers;
    std::function<void(int)> tick;
    if (o_.rate > 0) {
      auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * n / o_.rate));
      for (int i = 0; i < n; ++i) timers.push_back(std::make_unique<asio::steady_timer>(ioc_));
      tick = [&, interval](int i) {
        send(i);
        timers[i]->expires_at(timers[i]->expiry() + interval);
        timers[i]->async_wait([&, i](const boost::system::error_code& ec) {
          if (!ec) tick(i);
        });
      };
      for (int i = 0; i < n; ++i) {
        timers[i]->expires_after(interval * i / n);
        timers[i]->async_wait([&, i](const boost::system::error_code& ec) {
          if (!ec) tick(i);
        });
      }
    } else {
      for (int i = 0; i < n; ++i) send(i);
    }
    RunUntil([] { return false; }, o_.warmup_s);
    ProcSample cpu0 = SampleProc(o_.server_pid);
    measuring = true;
    auto start = Clock::now();
    RunUntil([] { return false; }, o_.duration_s);
    measuring = false;
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    ProcSample cpu1 = SampleProc(o_.server_pid);
    for (auto& t : timers) t->cancel();
    uint64_t timeouts = 0;
    for (auto& m : inflight) timeouts += m.size();
    Report("roundtrip", stats, elapsed, cpu0, cpu1, timeouts);
    return 0;
  }

  // ---- idle ---------------------------------------------------------------------------

  int Idle(ProcSample before) {
    const int n = o_.devices;
    int connected = 0, failed = 0, online = 0;
    std::vector<std::shared_ptr<Conn>> conns;
    if (kMqtt()) {
      for (int i = 0; i < n; ++i) {
        auto c = Open(o_.mqtt_port, Conn::Framing::kMqtt, &connected, &failed);
        c->on_message = [&online](std::string_view p) {
          if (mqtt::Type(p) == 2) ++online;  // CONNACK
        };
        conns.push_back(c);
      }
      RunUntil([&] { return connected + failed == n; }, 60);
      for (int i = 0; i < n; ++i) {
        conns[i]->Send(mqtt::Connect("idle" + std::to_string(o_.offset + i),
                                     static_cast<uint16_t>(o_.heartbeat_s * 2)));
      }
      RunUntil([&] { return online == n; }, 60);
    } else {
      auto devs = LoginDevices(n, false);
      for (auto& d : devs) {
        if (d->online) ++online;
        conns.push_back(d->conn);
      }
    }
    RunUntil([] { return false; }, 2.0);  // let the server settle
    ProcSample loaded = SampleProc(o_.server_pid);
    // Heartbeats at the configured interval, spread evenly, for the duration.
    asio::steady_timer timer(ioc_);
    int next = 0;
    auto interval =
        std::chrono::nanoseconds(static_cast<int64_t>(1e9 * o_.heartbeat_s / std::max(1, n)));
    std::function<void()> beat = [&] {
      auto& c = conns[next++ % n];
      c->Send(kMqtt() ? mqtt::PingReq()
                      : std::string(R"({"msgId":1,"action":"heartbeat"})") + "\n");
      timer.expires_at(timer.expiry() + interval);
      timer.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) beat();
      });
    };
    timer.expires_after(interval);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) beat();
    });
    ProcSample cpu0 = SampleProc(o_.server_pid);
    auto start = Clock::now();
    RunUntil([] { return false; }, o_.duration_s);
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    ProcSample cpu1 = SampleProc(o_.server_pid);
    timer.cancel();
    double rss_per_session = online > 0 ? (loaded.rss_kb - before.rss_kb) * 1024.0 / online : 0;
    double cpu_pct = elapsed > 0 ? 100.0 * (cpu1.cpu_s - cpu0.cpu_s) / elapsed : 0;
    std::printf(
        "idle %s: %d/%d sessions, server RSS %lld → %lld kB, %.0f B per session, "
        "heartbeat CPU %.2f%% (%d s interval)\n",
        o_.target.c_str(), online, n, static_cast<long long>(before.rss_kb),
        static_cast<long long>(loaded.rss_kb), rss_per_session, cpu_pct, o_.heartbeat_s);
    if (o_.json) {
      std::printf(
          "{\"scenario\":\"idle\",\"target\":\"%s\",\"sessions\":%d,\"rss_before_kb\":%lld,"
          "\"rss_after_kb\":%lld,\"bytes_per_session\":%.0f,\"heartbeat_cpu_pct\":%.3f}\n",
          o_.target.c_str(), online, static_cast<long long>(before.rss_kb),
          static_cast<long long>(loaded.rss_kb), rss_per_session, cpu_pct);
    }
    return online == n ? 0 : 1;
  }

  // ---- login-storm --------------------------------------------------------------------

  int LoginStorm() {
    const int n = o_.devices;
    Stats stats;
    int next = 0, done = 0;
    std::vector<std::shared_ptr<Conn>> finished;
    std::function<void()> start_one = [&] {
      if (next >= n) return;
      int i = next++;
      auto c = std::make_shared<Conn>(ioc_, kMqtt() ? Conn::Framing::kMqtt : Conn::Framing::kLines);
      int64_t t0 = NowUs();
      c->on_message = [&, c, t0](std::string_view msg) {
        bool ok = kMqtt() ? mqtt::Type(msg) == 2 : Get(parser_, msg, "/code") == "200";
        if (ok) {
          stats.hist.Record(static_cast<uint64_t>(NowUs() - t0));
          ++stats.ok;
        } else {
          ++stats.errors;
        }
        ++done;
        finished.push_back(c);
        start_one();
      };
      std::string dev_tid = DevTid(i);
      std::string token = tokens_.count(dev_tid) ? tokens_[dev_tid] : "";
      c->Connect(Ep(kMqtt() ? o_.mqtt_port : o_.device_port), [&, c, dev_tid, token](bool ok) {
        if (!ok) {
          ++stats.errors;
          ++done;
          start_one();
          return;
        }
        ++stats.sent;
        c->Send(kMqtt()
                    ? mqtt::Connect(dev_tid, 60)
                    : R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid +
                          R"(","prodKey":")" + o_.prod_key + R"(","token":")" + token + "\"}}\n");
      });
    };
    ProcSample cpu0 = SampleProc(o_.server_pid);
    auto start = Clock::now();
    for (int i = 0; i < o_.concurrency; ++i) start_one();
    RunUntil([&] { return done == n; }, 120);
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    ProcSample cpu1 = SampleProc(o_.server_pid);
    Report("login-storm", stats, elapsed, cpu0, cpu1, static_cast<uint64_t>(n - done));
    return 0;
  }

  // ---- fanout -------------------------------------------------------------------------

  int Fanout() {
    const int k = o_.apps;
    Stats stats;
    bool measuring = false;
    int connected = 0, failed = 0, ready = 0;
    std::vector<std::shared_ptr<Conn>> apps(k);
    auto on_push = [&](std::string_view msg) {
      size_t at = msg.find("\"t\":");
      if (at == std::string_view::npos) return;
      int64_t t = std::atoll(std::string(msg.substr(at + 4, 20)).c_str());
      if (measuring) {
        stats.hist.Record(static_cast<uint64_t>(NowUs() - t));
        ++stats.ok;
      }
    };
    std::shared_ptr<Conn> publisher;
    std::unique_ptr<Device> dev;
    if (kMqtt()) {
      int subacks = 0;
      for (int i = 0; i < k; ++i) {
        apps[i] = Open(o_.mqtt_port, Conn::Framing::kMqtt, &connected, &failed);
        apps[i]->on_message = [&](std::string_view p) {
          std::string_view topic, payload;
          if (mqtt::Type(p) == 9) ++subacks;
          if (mqtt::ParsePublish(p, &topic, &payload)) on_push(payload);
        };
      }
      publisher = Open(o_.mqtt_port, Conn::Framing::kMqtt, &connected, &failed);
      RunUntil([&] { return connected + failed == k + 1; }, 30);
      for (int i = 0; i < k; ++i) {
        apps[i]->Send(mqtt::Connect("f" + std::to_string(i), 60) + mqtt::Subscribe(1, "k/fan"));
      }
      publisher->Send(mqtt::Connect("fanpub", 60));
      RunUntil([&] { return subacks == k; }, 30);
    } else {
      auto devs = LoginDevices(1, false);
      dev = std::move(devs[0]);
      if (!dev->online) {
        std::cerr << "the fan-out device could not log in\n";
        return 1;
      }
      for (int i = 0; i < k; ++i) {
        apps[i] = OpenApp(&connected, &failed);
        apps[i]->on_message = [&](std::string_view line) {
          if (line.find("\"appLoginResp\"") != std::string_view::npos) {
            if (Get(parser_, line, "/code") == "200") ++ready;
            return;
          }
          if (line.find("\"devSend\"") != std::string_view::npos) on_push(line);
        };
      }
      RunUntil([&] { return connected + failed == k; }, 30);
      for (int i = 0; i < k; ++i) {
        apps[i]->Send(R"({"msgId":0,"action":"appLogin","params":{"appTid":")" + o_.app_prefix +
                      std::to_string(i) + R"(","token":")" + o_.token + "\"}}\n");
      }
      if (!RunUntil([&] { return ready == k; }, 30)) {
        std::cerr << "only " << ready << " apps logged in\n";
        return 1;
      }
      RunUntil([] { return false; }, 0.2);
    }
    double rate = o_.rate > 0 ? o_.rate : 100;
    auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
    asio::steady_timer timer(ioc_);
    std::string pad = Pad();
    std::function<void()> report = [&] {
      std::string data = R"({"cmdId":1,"t":)" + std::to_string(NowUs()) +
                         (pad.empty() ? "" : R"(,"pad":")" + pad + "\"") + "}";
      if (kMqtt()) {
        publisher->Send(
            mqtt::Publish("k/fan", R"({"msgId":1,"action":"devSend","params":{"devTid":")" +
                                       DevTid(0) + R"(","appTid":[],"data":)" + data + "}}"));
      } else {
        dev->conn->Send(R"({"msgId":1,"action":"devSend","params":{"devTid":")" + dev->dev_tid +
                        R"(","appTid":[],"data":)" + data + "}}\n");
      }
      ++stats.sent;
      timer.expires_at(timer.expiry() + interval);
      timer.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) report();
      });
    };
    timer.expires_after(interval);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) report();
    });
    RunUntil([] { return false; }, o_.warmup_s);
    ProcSample cpu0 = SampleProc(o_.server_pid);
    measuring = true;
    auto start = Clock::now();
    RunUntil([] { return false; }, o_.duration_s);
    measuring = false;
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    ProcSample cpu1 = SampleProc(o_.server_pid);
    timer.cancel();
    Report("fanout", stats, elapsed, cpu0, cpu1, 0);
    return 0;
  }

  void Report(const char* scenario, const Stats& s, double elapsed, ProcSample cpu0,
              ProcSample cpu1, uint64_t timeouts) {
    double per_s = elapsed > 0 ? s.ok / elapsed : 0;
    // Krypton apps over WebSocket are reported as their own target.
    std::string target =
        o_.target == "krypton" && o_.app_transport == "ws" ? "krypton-ws" : o_.target;
    double cpu =
        (cpu1.ok && cpu0.ok && elapsed > 0) ? 100.0 * (cpu1.cpu_s - cpu0.cpu_s) / elapsed : -1;
    std::printf(
        "%s %s: %.0f/s ok=%llu errors=%llu timeouts=%llu p50=%lluus p99=%lluus "
        "p99.9=%lluus max=%lluus server_cpu=%.0f%% server_rss=%lldkB\n",
        scenario, o_.target.c_str(), per_s, static_cast<unsigned long long>(s.ok),
        static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(timeouts),
        static_cast<unsigned long long>(s.hist.Percentile(0.5)),
        static_cast<unsigned long long>(s.hist.Percentile(0.99)),
        static_cast<unsigned long long>(s.hist.Percentile(0.999)),
        static_cast<unsigned long long>(s.hist.max()), cpu, static_cast<long long>(cpu1.rss_kb));
    if (o_.json) {
      std::printf(
          "{\"scenario\":\"%s\",\"target\":\"%s\",\"per_s\":%.1f,\"ok\":%llu,\"errors\":%llu,"
          "\"timeouts\":%llu,\"p50_us\":%llu,\"p99_us\":%llu,\"p999_us\":%llu,"
          "\"server_cpu_pct\":%.1f,\"server_rss_kb\":%lld,\"offered\":%.1f}\n",
          scenario, target.c_str(), per_s, static_cast<unsigned long long>(s.ok),
          static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(timeouts),
          static_cast<unsigned long long>(s.hist.Percentile(0.5)),
          static_cast<unsigned long long>(s.hist.Percentile(0.99)),
          static_cast<unsigned long long>(s.hist.Percentile(0.999)), cpu,
          static_cast<long long>(cpu1.rss_kb), o_.rate);
    }
    std::fflush(stdout);
  }

  Options o_;
  std::map<std::string, std::string> tokens_;
  asio::io_context ioc_;
  simdjson::dom::parser parser_;
  std::vector<std::shared_ptr<Conn>> keep_;
};

}  // namespace
}  // namespace loadgen

int main(int argc, char** argv) {
  loadgen::Options o;
  CLI::App app{"Krypton load generator (Krypton protocol or MQTT 3.1.1 to Mosquitto)",
               "krypton-loadgen"};
  app.add_option("--target", o.target, "krypton or mosquitto")
      ->check(CLI::IsMember({"krypton", "mosquitto"}));
  app.add_option("--scenario", o.scenario, "register, roundtrip, idle, login-storm, fanout");
  app.add_option("--host", o.host);
  app.add_option("--device-port", o.device_port, "Krypton device hub port");
  app.add_option("--app-port", o.app_port, "Krypton app hub TCP port");
  app.add_option("--app-ws-port", o.app_ws_port, "Krypton app hub WebSocket port");
  app.add_option("--app-transport", o.app_transport, "Krypton apps over tcp or ws")
      ->check(CLI::IsMember({"tcp", "ws"}));
  app.add_option("--mqtt-port", o.mqtt_port, "Mosquitto port");
  app.add_option("--pairs", o.pairs, "roundtrip: device/app pairs");
  app.add_option("--devices", o.devices, "register/idle/login-storm: devices");
  app.add_option("--apps", o.apps, "fanout: app sessions");
  app.add_option("--concurrency", o.concurrency, "login-storm: logins in flight");
  app.add_option("--offset", o.offset, "first device index (for several processes)");
  app.add_option("--token", o.token, "Krypton: the access token apps log in with");
  app.add_option("--app-prefix", o.app_prefix);
  app.add_option("--dev-prefix", o.dev_prefix);
  app.add_option("--prod-key", o.prod_key);
  app.add_option("--token-file", o.token_file, "device tokens (devTid token per line)");
  app.add_option("--duration", o.duration_s, "measured seconds");
  app.add_option("--warmup", o.warmup_s, "warm-up seconds");
  app.add_option("--rate", o.rate, "open loop: offered messages/s in total (0 = closed loop)");
  app.add_option("--payload", o.payload, "extra payload bytes per message");
  app.add_option("--heartbeat", o.heartbeat_s, "idle: heartbeat interval seconds");
  app.add_option("--server-pid", o.server_pid, "sample this process's RSS and CPU");
  app.add_flag("--json", o.json, "also print one JSON line of results");
  CLI11_PARSE(app, argc, argv);
  return loadgen::Runner(o).Run();
}
