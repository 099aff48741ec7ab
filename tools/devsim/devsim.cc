// krypton-devsim: a device simulator for trying the hub without hardware.
//
// It behaves like nodejs-device-hekr's demo socket (the demo product's protocol):
// getProdInfo on the dispatch port, devLogin with the token it keeps in a file,
// reportDevInfo, a status report, heartbeats, and answers to appSend — cmdId 2 sets
// `power`, cmdId 0 queries — each followed by a devSend report {"cmdId":1,"power":X}.
// With --raw it is a pass-through module of a 48 product instead (the demo socket
// re-expressed in TRANSPARENT48_V2, templates-and-frames.md §9.2): it reads the 48 frame
// in data.raw (cmdId 2 sets power, cmdId 0 queries) and reports the raw frame
// 48 07 01 <no> 01 <power> <sum>.
// Every line sent and received is printed ("->" / "<-").
//
//   krypton-devsim --dev-tid SIM001 [--host 127.0.0.1] [--dispatch-port 9091]
//                  [--prod-key xxxxxx] [--token-file FILE] [--heartbeat 25]
//                  [--report-every 0] [--run-for 0] [--raw]
#include <poll.h>
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "codec/frame.h"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class Line {
 public:
  explicit Line(asio::io_context& ioc) : socket_(ioc) {}

  bool Connect(const std::string& host, int port) {
    boost::system::error_code ec;
    tcp::resolver resolver(socket_.get_executor());
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return false;
    asio::connect(socket_, endpoints, ec);
    return !ec;
  }

  bool Send(const std::string& json) {
    std::cout << "-> " << json << std::endl;
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(json + "\n"), ec);
    return !ec;
  }

  // The next line, or nullopt on timeout (`closed` tells whether the peer closed).
  std::optional<std::string> Read(int timeout_ms, bool* closed) {
    *closed = false;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        std::cout << "<- " << line << std::endl;
        return line;
      }
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      if (left <= 0) return std::nullopt;
      pollfd pfd{socket_.native_handle(), POLLIN, 0};
      if (::poll(&pfd, 1, left) <= 0) return std::nullopt;
      char buf[4096];
      boost::system::error_code ec;
      size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec) {
        *closed = true;
        return std::nullopt;
      }
      buffer_.append(buf, n);
    }
  }

 private:
  tcp::socket socket_;
  std::string buffer_;
};

std::string Get(simdjson::dom::element e, const char* pointer) {
  simdjson::dom::element v;
  if (e.at_pointer(pointer).get(v) != simdjson::SUCCESS) return "";
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(v);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Krypton device simulator: a demo socket speaking the Hekr device protocol",
               "krypton-devsim"};
  std::string host = "127.0.0.1", dev_tid, prod_key = "xxxxxx", token_file;
  int dispatch_port = 9091, heartbeat_s = 25, report_every_s = 0, run_for_s = 0;
  app.add_option("--host", host, "Dispatch host")->capture_default_str();
  app.add_option("--dispatch-port", dispatch_port, "Dispatch port")->capture_default_str();
  app.add_option("--dev-tid", dev_tid, "The device id (≤ 32 characters)")->required();
  app.add_option("--prod-key", prod_key, "The product's prodKey")->capture_default_str();
  app.add_option("--token-file", token_file,
                 "Where the device keeps its token (default <devTid>.token)");
  app.add_option("--heartbeat", heartbeat_s, "Heartbeat interval, seconds")->capture_default_str();
  app.add_option("--report-every", report_every_s,
                 "Send a status report every N seconds (0 = only on change)");
  app.add_option("--run-for", run_for_s, "Stop after N seconds (0 = run until the hub closes)");
  bool raw = false;
  app.add_flag("--raw", raw, "Be a pass-through 48 module: commands and reports as data.raw");
  CLI11_PARSE(app, argc, argv);
  if (token_file.empty()) token_file = dev_tid + ".token";

  asio::io_context ioc;
  simdjson::dom::parser parser;
  bool closed = false;

  // 1. Dispatch: which hub?
  Line info(ioc);
  if (!info.Connect(host, dispatch_port)) {
    std::cerr << "krypton-devsim: cannot connect to " << host << ":" << dispatch_port << "\n";
    return 1;
  }
  info.Send(R"({"msgId" : "0","action" : "getProdInfo","params" : {"devTid" : ")" + dev_tid +
            R"(","prodKey" : ")" + prod_key + R"("}})");
  auto prod = info.Read(5000, &closed);
  simdjson::dom::element e;
  if (!prod || parser.parse(*prod).get(e) != simdjson::SUCCESS || Get(e, "/code") != "200") {
    std::cerr << "krypton-devsim: getProdInfo failed\n";
    return 1;
  }
  std::string hub_host = Get(e, "/params/serviceHost");
  int hub_port = std::stoi(Get(e, "/params/servicePort"));
  std::string mid = Get(e, "/params/mid");

  // 2. Hub: login with the stored token; a new token is kept.
  Line hub(ioc);
  if (!hub.Connect(hub_host, hub_port) && !hub.Connect(host, hub_port)) {
    std::cerr << "krypton-devsim: cannot connect to the hub " << hub_host << ":" << hub_port
              << "\n";
    return 1;
  }
  std::string token;
  std::ifstream(token_file) >> token;
  hub.Send(R"({"msgId" : "1","action" : "devLogin","params" : {"devTid" : ")" + dev_tid +
           R"(","prodKey" : ")" + prod_key + R"(","token" : ")" + token + R"("}})");
  auto login = hub.Read(5000, &closed);
  if (!login || parser.parse(*login).get(e) != simdjson::SUCCESS || Get(e, "/code") != "200") {
    std::cerr << "krypton-devsim: devLogin failed\n";
    return 1;
  }
  std::string new_token = Get(e, "/params/token");
  if (new_token != token && new_token != "null") std::ofstream(token_file) << new_token << "\n";
  std::cout << "bind with devTid " << dev_tid << " bindKey " << Get(e, "/params/bindKey") << "\n";

  hub.Send(R"({"msgId" : "2","action" : "reportDevInfo","params" : {"devTid":")" + dev_tid +
           R"(","mid":")" + mid + R"(","workMode":1,"tokenType":2,"serviceHost":")" + hub_host +
           R"(","servicePort":)" + std::to_string(hub_port) +
           R"(,"binVer":"0.1.0","binType":"NA","SDKVer":"krypton-devsim"}})");

  int power = 0;
  int msg_id = 3;
  auto report = [&] {
    std::string data = R"({"cmdId":1,"power":)" + std::to_string(power) + "}";
    if (raw) {
      const uint8_t payload[] = {0x01, static_cast<uint8_t>(power)};
      data = R"({"raw":")" +
             krypton::codec::BuildFrame(krypton::codec::kFrameReport, static_cast<uint8_t>(msg_id),
                                        payload, sizeof payload) +
             "\"}";
    }
    hub.Send(R"({"msgId" : ")" + std::to_string(msg_id++) +
             R"(","action" : "devSend","params" : {"devTid" : ")" + dev_tid +
             R"(","appTid" : [],"data" : )" + data + "}}");
  };
  report();

  auto start = Clock::now();
  auto next_heartbeat = start + std::chrono::seconds(heartbeat_s);
  auto next_report =
      report_every_s > 0 ? start + std::chrono::seconds(report_every_s) : Clock::time_point::max();
  while (true) {
    auto now = Clock::now();
    if (run_for_s > 0 && now - start >= std::chrono::seconds(run_for_s)) return 0;
    if (now >= next_heartbeat) {
      hub.Send(R"({"msgId" : )" + std::to_string(msg_id++) + R"(,"action" : "heartbeat"})");
      next_heartbeat = now + std::chrono::seconds(heartbeat_s);
    }
    if (now >= next_report) {
      report();
      next_report = now + std::chrono::seconds(report_every_s);
    }
    auto line = hub.Read(200, &closed);
    if (closed) {
      std::cerr << "krypton-devsim: the hub closed the connection\n";
      return 2;
    }
    if (!line || parser.parse(*line).get(e) != simdjson::SUCCESS) continue;
    if (Get(e, "/action") != "appSend") continue;
    // Echo the command as the answer (nodejs-device-hekr does), then report.
    std::string answer = *line;
    size_t at = answer.find("\"appSend\"");
    answer.replace(at, 9, "\"appSendResp\"");
    answer.insert(answer.rfind('}'), R"(,"code":200,"desc":"success")");
    std::string cmd = Get(e, "/params/data/cmdId");
    if (raw) {
      // The module hands the frame to the MCU: cmdId at byte 4, power at byte 5.
      std::string hex = Get(e, "/params/data/raw");
      auto frame = krypton::codec::ParseFrame(hex);
      cmd = "";
      if (frame.ok() && frame->checksum_ok() && frame->size >= 6) {
        cmd = std::to_string(frame->bytes[4]);
        if (cmd == "2" && frame->size == 7 && frame->bytes[5] <= 1) power = frame->bytes[5];
      }
    } else if (cmd == "2") {
      std::string p = Get(e, "/params/data/power");
      if (p == "0" || p == "1") power = std::stoi(p);
    }
    hub.Send(answer);
    if (cmd == "0" || cmd == "2") report();
  }
}
