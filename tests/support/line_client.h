// Test support: a blocking client for the JSON-lines protocols (dispatch, device hub,
// app hub TCP). Reads have a deadline, so a silent server fails the test instead of
// hanging it.
#ifndef KRYPTON_TESTS_SUPPORT_LINE_CLIENT_H_
#define KRYPTON_TESTS_SUPPORT_LINE_CLIENT_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace krypton::testing {

class LineClient {
 public:
  // Connects to 127.0.0.1:port; connected() tells whether it worked.
  explicit LineClient(int port);

  bool connected() const { return connected_; }
  // Sends `line` + "\n".
  bool SendLine(const std::string& line);
  // Sends bytes as they are (no terminator).
  bool SendRaw(const std::string& bytes);
  // The next line (without "\n"), or nullopt when the deadline passes or the
  // connection ends first.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // SendLine then ReadLine.
  std::optional<std::string> Call(const std::string& line,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closes the connection within `timeout` (pending lines are
  // read and discarded).
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void Close();

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
  bool connected_ = false;
  bool eof_ = false;
};

}  // namespace krypton::testing

#endif  // KRYPTON_TESTS_SUPPORT_LINE_CLIENT_H_
