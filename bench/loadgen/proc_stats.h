// Samples a process's resident memory and CPU time from /proc (Linux).
#ifndef KRYPTON_BENCH_LOADGEN_PROC_STATS_H_
#define KRYPTON_BENCH_LOADGEN_PROC_STATS_H_

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace loadgen {

struct ProcSample {
  bool ok = false;
  int64_t rss_kb = 0;
  double cpu_s = 0;  // user + system
};

inline ProcSample SampleProc(pid_t pid) {
  ProcSample s;
  if (pid <= 0) return s;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kb = std::stoll(line.substr(6));
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return s;
  std::istringstream rest(text.substr(paren + 2));
  std::string field;
  // Fields after the command: state(3) … utime(14) stime(15), 1-based in proc(5).
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) s.cpu_s += std::stod(field);
    if (i == 15) s.cpu_s += std::stod(field);
  }
  s.cpu_s /= static_cast<double>(sysconf(_SC_CLK_TCK));
  s.ok = true;
  return s;
}

}  // namespace loadgen

#endif  // KRYPTON_BENCH_LOADGEN_PROC_STATS_H_
