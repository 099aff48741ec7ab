#include "conn.h"

#include <boost/asio/write.hpp>
#include <boost/beast/websocket.hpp>

namespace loadgen {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

void Conn::Connect(const tcp::endpoint& ep, std::function<void(bool)> done) {
  socket_.async_connect(
      ep, [self = shared_from_this(), done, ep](const boost::system::error_code& ec) {
        if (ec) return done(false);
        boost::system::error_code ignored;
        self->socket_.set_option(tcp::no_delay(true), ignored);
        if (self->framing_ != Framing::kWebSocket) {
          self->open_ = true;
          self->Read();
          return done(true);
        }
        self->ws_ = std::make_unique<websocket::stream<tcp::socket&>>(self->socket_);
        self->ws_->text(true);
        self->ws_->async_handshake(ep.address().to_string(), "/",
                                   [self, done](const boost::system::error_code& hec) {
                                     if (!hec) {
                                       self->open_ = true;
                                       self->ReadWs();
                                     }
                                     done(!hec);
                                   });
      });
}

void Conn::ReadWs() {
  ws_->async_read(ws_in_, [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
    if (ec) return self->Close();
    auto data = self->ws_in_.cdata();
    if (self->on_message) {
      self->on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    self->ws_in_.consume(self->ws_in_.size());
    if (self->open_) self->ReadWs();
  });
}

void Conn::WriteWs() {
  if (ws_out_.empty() || !open_) return;
  writing_now_ = true;
  ws_->async_write(asio::buffer(ws_out_.front()),
                   [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                     self->writing_now_ = false;
                     self->ws_out_.pop_front();
                     if (ec) return self->Close();
                     self->WriteWs();
                   });
}

void Conn::Read() {
  socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](
                                                  const boost::system::error_code& ec, size_t n) {
    if (ec) {
      self->Close();
      return;
    }
    self->in_.append(self->buf_, n);
    size_t pos = 0;
    if (self->framing_ == Framing::kLines) {
      while (true) {
        size_t nl = self->in_.find('\n', pos);
        if (nl == std::string::npos) break;
        if (self->on_message) self->on_message(std::string_view(self->in_).substr(pos, nl - pos));
        pos = nl + 1;
      }
    } else {
      while (self->in_.size() - pos >= 2) {
        // Remaining length: a varint of up to 4 bytes after the first byte.
        size_t len = 0, mult = 1, i = pos + 1;
        bool complete = false;
        for (; i < self->in_.size() && i < pos + 5; ++i) {
          unsigned char b = static_cast<unsigned char>(self->in_[i]);
          len += (b & 127) * mult;
          mult *= 128;
          if ((b & 128) == 0) {
            complete = true;
            ++i;
            break;
          }
        }
        if (!complete || self->in_.size() < i + len) break;
        if (self->on_message)
          self->on_message(std::string_view(self->in_).substr(pos, i + len - pos));
        pos = i + len;
      }
    }
    self->in_.erase(0, pos);
    if (self->open_) self->Read();
  });
}

void Conn::Send(std::string bytes) {
  if (!open_) return;
  if (ws_) {
    if (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
    ws_out_.push_back(std::move(bytes));
    if (!writing_now_) WriteWs();
    return;
  }
  out_ += bytes;
  if (!writing_now_) Write();
}

void Conn::Write() {
  if (out_.empty() || !open_) return;
  writing_.swap(out_);
  out_.clear();
  writing_now_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->writing_now_ = false;
                      self->writing_.clear();
                      if (ec) return self->Close();
                      self->Write();
                    });
}

void Conn::Close() {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (on_close) on_close();
}

namespace mqtt {
namespace {

std::string Length(size_t n) {
  std::string out;
  do {
    unsigned char b = n % 128;
    n /= 128;
    if (n > 0) b |= 128;
    out.push_back(static_cast<char>(b));
  } while (n > 0);
  return out;
}

std::string Str(std::string_view s) {
  std::string out;
  out.push_back(static_cast<char>(s.size() >> 8));
  out.push_back(static_cast<char>(s.size() & 0xFF));
  out.append(s);
  return out;
}

}  // namespace

std::string Connect(const std::string& client_id, uint16_t keepalive_s) {
  std::string body = Str("MQTT");
  body.push_back(4);     // protocol level 3.1.1
  body.push_back(0x02);  // clean session
  body.push_back(static_cast<char>(keepalive_s >> 8));
  body.push_back(static_cast<char>(keepalive_s & 0xFF));
  body += Str(client_id);
  return std::string(1, '\x10') + Length(body.size()) + body;
}

std::string Subscribe(uint16_t packet_id, const std::string& topic) {
  std::string body;
  body.push_back(static_cast<char>(packet_id >> 8));
  body.push_back(static_cast<char>(packet_id & 0xFF));
  body += Str(topic);
  body.push_back(0);  // QoS 0
  return std::string(1, '\x82') + Length(body.size()) + body;
}

std::string Publish(const std::string& topic, std::string_view payload) {
  std::string body = Str(topic);
  body.append(payload);
  return std::string(1, '\x30') + Length(body.size()) + body;
}

std::string PingReq() { return std::string("\xC0\x00", 2); }

bool ParsePublish(std::string_view p, std::string_view* topic, std::string_view* payload) {
  if (p.empty() || Type(p) != 3) return false;
  size_t i = 1;
  while (i < p.size() && (static_cast<unsigned char>(p[i]) & 128)) ++i;
  ++i;
  if (i + 2 > p.size()) return false;
  size_t tlen = (static_cast<unsigned char>(p[i]) << 8) | static_cast<unsigned char>(p[i + 1]);
  i += 2;
  if (i + tlen > p.size()) return false;
  *topic = p.substr(i, tlen);
  *payload = p.substr(i + tlen);  // QoS 0: no packet id
  return true;
}

}  // namespace mqtt
}  // namespace loadgen
