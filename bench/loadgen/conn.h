// One client connection of the load generator: async TCP, either newline-framed JSON
// (Krypton), MQTT 3.1.1 packets (Mosquitto) or WebSocket text frames (Krypton's app
// WebSocket, Beast on the client side too). Lines and MQTT share the same I/O model — one
// read buffer, a write queue coalesced into one write when several are pending — so
// the two servers are measured with the same client cost; WebSocket writes one frame per
// message (one JSON object per frame, as every app client does).
#ifndef KRYPTON_BENCH_LOADGEN_CONN_H_
#define KRYPTON_BENCH_LOADGEN_CONN_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace loadgen {

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  enum class Framing { kLines, kMqtt, kWebSocket };
  // A line (without "\n") or a whole MQTT packet (fixed header included).
  using OnMessage = std::function<void(std::string_view)>;

  Conn(boost::asio::io_context& ioc, Framing framing) : socket_(ioc), framing_(framing) {}

  // Connects, then starts reading; `done(ok)` runs on the connection's context.
  void Connect(const boost::asio::ip::tcp::endpoint& ep, std::function<void(bool)> done);
  // Queues raw bytes (callers add "\n" or encode MQTT; for WebSocket one message per
  // call, a trailing "\n" is dropped).
  void Send(std::string bytes);
  void Close();

  OnMessage on_message;
  std::function<void()> on_close;
  bool open() const { return open_; }

 private:
  void Read();
  void Write();
  void ReadWs();
  void WriteWs();
  boost::asio::ip::tcp::socket socket_;
  Framing framing_;
  std::string in_;
  std::string out_, writing_;
  bool writing_now_ = false;
  bool open_ = false;
  char buf_[16384];
  std::unique_ptr<boost::beast::websocket::stream<boost::asio::ip::tcp::socket&>> ws_;
  boost::beast::flat_buffer ws_in_;
  std::deque<std::string> ws_out_;
};

// MQTT 3.1.1, QoS 0 only: what the benchmark needs.
namespace mqtt {
std::string Connect(const std::string& client_id, uint16_t keepalive_s);
std::string Subscribe(uint16_t packet_id, const std::string& topic);
std::string Publish(const std::string& topic, std::string_view payload);
std::string PingReq();
// Packet type (high nibble of byte 0).
inline int Type(std::string_view packet) { return static_cast<unsigned char>(packet[0]) >> 4; }
// For a PUBLISH packet: its topic and payload (views into `packet`).
bool ParsePublish(std::string_view packet, std::string_view* topic, std::string_view* payload);
}  // namespace mqtt

}  // namespace loadgen

#endif  // KRYPTON_BENCH_LOADGEN_CONN_H_
