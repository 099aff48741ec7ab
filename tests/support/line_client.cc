#include "line_client.h"

#include <poll.h>

#include <boost/asio/write.hpp>

namespace krypton::testing {

namespace asio = boost::asio;

LineClient::LineClient(int port) : socket_(ioc_) {
  boost::system::error_code ec;
  socket_.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)}, ec);
  connected_ = !ec;
}

bool LineClient::SendLine(const std::string& line) { return SendRaw(line + "\n"); }

bool LineClient::SendRaw(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(bytes), ec);
  return !ec;
}

std::optional<std::string> LineClient::ReadLine(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (eof_) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd{socket_.native_handle(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    char buf[65536];
    boost::system::error_code ec;
    size_t n = socket_.read_some(asio::buffer(buf), ec);
    if (ec) {
      eof_ = true;
      continue;
    }
    buffer_.append(buf, n);
  }
}

std::optional<std::string> LineClient::Call(const std::string& line,
                                            std::chrono::milliseconds timeout) {
  if (!SendLine(line)) return std::nullopt;
  return ReadLine(timeout);
}

bool LineClient::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    ReadLine(left);
    buffer_.clear();
  }
  return true;
}

void LineClient::Close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace krypton::testing
