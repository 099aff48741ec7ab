// Test support: run the real `krypton` binary and talk to it over real sockets.
//
// ServerProcess starts `krypton serve` with a fresh data directory and every port set
// to 0, waits for its "listening" line, and exposes the bound ports. Its destructor
// kills the server if a test did not stop it. RunKrypton runs one CLI command to
// completion. HttpRequest is a blocking HTTP/1.1 client (Beast) with a timeout; for
// HEAD it reads the headers only.
#ifndef KRYPTON_TESTS_SUPPORT_SERVER_PROCESS_H_
#define KRYPTON_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace krypton::testing {

// Path of the built krypton binary.
std::string KryptonBinary();

// A fresh, empty directory under the system temp dir (removed by the caller or left
// for post-mortem; tests use MakeTempDir per test).
std::string MakeTempDir(const std::string& prefix = "krypton-test");

struct CommandResult {
  int exit_code = -1;  // or 128 + signal
  std::string out;
  std::string err;
};

// Runs `krypton args…` and waits for it (at most 60 s, then kills it).
CommandResult RunKrypton(const std::vector<std::string>& args);

class ServerProcess {
 public:
  struct Options {
    std::string data_dir;           // "" = a fresh temp dir
    std::vector<std::string> sets;  // extra --set key=value
    std::vector<std::string> args;  // extra arguments after `serve`
    int start_timeout_ms = 15000;
    // > 0: the server's RLIMIT_NOFILE (soft and hard), set in the child before exec.
    int rlimit_nofile = 0;
  };

  // Starts the server and waits until it prints its listening line. Returns nullptr
  // (and fills *error) when it exits or stays silent. A data dir Start created, and the
  // captured output, are removed when the ServerProcess is destroyed.
  static std::unique_ptr<ServerProcess> Start(const Options& options, std::string* error);
  ~ServerProcess();

  // Bound port of an endpoint ("http", …), or -1.
  int port(const std::string& name) const;
  const std::string& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }
  bool running();

  // Sends `signo` and waits up to `timeout_ms` for the exit. Returns the exit code,
  // 128 + signal when killed by a signal, or -1 on timeout (the process is then killed).
  int Stop(int signo, int timeout_ms);

  std::string Stdout() const;
  std::string Stderr() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string data_dir_;
  bool own_data_dir_ = false;  // created by Start: removed with the process
  std::string log_dir_;
  std::string out_path_, err_path_;
  std::map<std::string, int> ports_;
};

struct HttpResult {
  int status = 0;  // 0 = transport failure (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;
};

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace krypton::testing

#endif  // KRYPTON_TESTS_SUPPORT_SERVER_PROCESS_H_
