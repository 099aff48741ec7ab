#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace krypton::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Spawns the binary with stdout/stderr redirected to files.
pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<std::string> full = {KryptonBinary()};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Spawn with RLIMIT_NOFILE set to `nofile` in the child (fork, then only
// async-signal-safe calls until exec).
pid_t SpawnWithFdLimit(const std::vector<std::string>& args, const std::string& out_path,
                       const std::string& err_path, int nofile) {
  std::vector<std::string> full = {KryptonBinary()};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid != 0) return pid;  // parent (or -1)
  int in = open("/dev/null", O_RDONLY);
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0 || err < 0) _exit(127);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  // Only the three standard descriptors go on: the server's descriptor numbers must not
  // depend on what the test process holds open.
  for (int fd = 3; fd < 65536; ++fd) close(fd);
  rlimit rl{};
  rl.rlim_cur = rl.rlim_max = static_cast<rlim_t>(nofile);
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) _exit(127);
  execve(argv[0], argv.data(), environ);
  _exit(127);
}

// Waits for `pid` up to `timeout_ms`; returns the decoded exit code or -1 on timeout.
int WaitFor(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string KryptonBinary() { return KRYPTON_BINARY; }

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  char* dir = mkdtemp(tmpl.data());
  return dir == nullptr ? std::string() : std::string(dir);
}

CommandResult RunKrypton(const std::vector<std::string>& args) {
  std::string dir = MakeTempDir("krypton-cmd");
  std::string out = dir + "/out", err = dir + "/err";
  CommandResult result;
  pid_t pid = Spawn(args, out, err);
  if (pid < 0) return result;
  result.exit_code = WaitFor(pid, 60000);
  if (result.exit_code == -1) {
    kill(pid, SIGKILL);
    WaitFor(pid, 5000);
  }
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  std::filesystem::remove_all(dir);
  return result;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const Options& options, std::string* error) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->own_data_dir_ = options.data_dir.empty();
  p->data_dir_ = p->own_data_dir_ ? MakeTempDir("krypton-srv") : options.data_dir;
  std::string logs = MakeTempDir("krypton-log");
  p->log_dir_ = logs;
  p->out_path_ = logs + "/stdout";
  p->err_path_ = logs + "/stderr";
  std::vector<std::string> args = {"serve", "--data-dir", p->data_dir_};
  // Every port free (0): a fixed default such as 8443 would collide between parallel
  // tests once a certificate turns the TLS listeners on.
  for (const char* key :
       {"http.port", "http.tls_port", "info.port", "hub.device.port", "hub.device.tls_port",
        "hub.app.tcp_port", "hub.app.tls_port", "hub.app.ws_port", "hub.app.wss_port"}) {
    args.push_back("--set");
    args.push_back(std::string(key) + "=0");
  }
  for (const char* s : {"listen.address=127.0.0.1", "server.threads=2"}) {
    args.push_back("--set");
    args.push_back(s);
  }
  for (const auto& s : options.sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  args.insert(args.end(), options.args.begin(), options.args.end());
  p->pid_ = options.rlimit_nofile > 0
                ? SpawnWithFdLimit(args, p->out_path_, p->err_path_, options.rlimit_nofile)
                : Spawn(args, p->out_path_, p->err_path_);
  if (p->pid_ < 0) {
    *error = "cannot spawn " + KryptonBinary();
    return nullptr;
  }
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.start_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream out(ReadFile(p->out_path_));
    std::string line;
    while (std::getline(out, line)) {
      if (line.find("\"event\":\"listening\"") == std::string::npos) continue;
      simdjson::dom::parser parser;
      simdjson::dom::object ports;
      if (parser.parse(line)["ports"].get(ports) != simdjson::SUCCESS) continue;
      for (auto [key, value] : ports) {
        int64_t port = 0;
        if (value.get(port) == simdjson::SUCCESS)
          p->ports_[std::string(key)] = static_cast<int>(port);
      }
      return p;
    }
    if (!p->running()) {
      *error = "server exited with " + std::to_string(p->exit_code_) + ": " + p->Stderr();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *error = "server printed no listening line: " + p->Stderr();
  return nullptr;
}

ServerProcess::~ServerProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    WaitFor(pid_, 5000);
  }
  std::error_code ignored;
  if (own_data_dir_) std::filesystem::remove_all(data_dir_, ignored);
  if (!log_dir_.empty()) std::filesystem::remove_all(log_dir_, ignored);
}

int ServerProcess::port(const std::string& name) const {
  auto it = ports_.find(name);
  return it == ports_.end() ? -1 : it->second;
}

bool ServerProcess::running() {
  if (pid_ < 0 || exit_code_ != -1) return false;
  int code = WaitFor(pid_, 0);
  if (code == -1) return true;
  exit_code_ = code;
  return false;
}

int ServerProcess::Stop(int signo, int timeout_ms) {
  if (!running()) return exit_code_;
  kill(pid_, signo);
  int code = WaitFor(pid_, timeout_ms);
  if (code == -1) {
    kill(pid_, SIGKILL);
    WaitFor(pid_, 5000);
    return -1;
  }
  exit_code_ = code;
  return code;
}

std::string ServerProcess::Stdout() const { return ReadFile(out_path_); }
std::string ServerProcess::Stderr() const { return ReadFile(err_path_); }

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  HttpResult result;
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                  static_cast<uint16_t>(port)));
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.body() = body;
      if (req.find(bhttp::field::content_type) == req.end()) {
        req.set(bhttp::field::content_type, "application/json");
      }
      req.prepare_payload();
    }
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(method == "HEAD");  // a HEAD answer's Content-Length announces no body
    bhttp::read(stream, buffer, parser);
    const auto& res = parser.get();
    result.status = res.result_int();
    result.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[name] = std::string(f.value());
    }
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace krypton::testing
