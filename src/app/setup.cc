// Configuration loading, the data directory and the config subcommands.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "common/clock.h"
#include "common/identifiers.h"
#include "common/secrets.h"

namespace krypton::app {

namespace fs = std::filesystem;

bool LoadConfig(const CommonOptions& common, config::Config* out) {
  config::Sources sources;
  sources.env = config::ProcessEnvironment();
  sources.data_dir = common.data_dir;
  for (const std::string& s : common.sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "krypton: --set %s: expected section.key=value\n", s.c_str());
      return false;
    }
    sources.overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  if (!common.config_file.empty()) {
    sources.config_file = common.config_file;
    sources.config_file_required = true;
  } else {
    // Without --config, <data_dir>/krypton.toml is read when present. The data dir
    // comes from --data-dir, then KRYPTON_DATA_DIR, then the built-in default.
    std::string dir = common.data_dir;
    if (dir.empty()) {
      auto it = sources.env.find("KRYPTON_DATA_DIR");
      dir = it != sources.env.end() ? it->second : config::Config().data_dir;
    }
    sources.config_file = (fs::path(dir) / "krypton.toml").string();
  }
  std::string error;
  if (!config::Load(sources, out, &error)) {
    std::fprintf(stderr, "krypton: configuration error: %s\n", error.c_str());
    return false;
  }
  return true;
}

namespace {

// Writes `content` to a new file readable by the owner only. False if it exists.
bool WriteSecretFile(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = (::fsync(fd) == 0) && ok;
  ::close(fd);
  return ok;
}

// Owner-only modes on what an older Krypton (or another umask) left readable by others:
// every file under the data dir keeps only its owner's read/write bits, every directory
// 0700, and the same for the database, its -wal/-shm and the outbox when they are
// configured elsewhere. Symbolic links are neither followed nor changed. Returns how
// many entries were changed.
int TightenFileModes(const config::Config& config) {
  int changed = 0;
  auto tighten = [&changed](const fs::path& p) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) return;
    mode_t want;
    if (S_ISREG(st.st_mode)) {
      want = st.st_mode & 0600;
    } else if (S_ISDIR(st.st_mode)) {
      want = 0700;
    } else {
      return;
    }
    if ((st.st_mode & 07777) != want && ::chmod(p.c_str(), want) == 0) ++changed;
  };
  std::error_code ec;
  tighten(config.data_dir);
  for (fs::recursive_directory_iterator it(config.data_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    tighten(it->path());
  }
  const std::string db = config.SqlitePath();
  for (const std::string& p : {db, db + "-wal", db + "-shm", config.OutboxPath()}) tighten(p);
  return changed;
}

}  // namespace

bool EnsureDataDir(const config::Config& config, bool* created, int* tightened) {
  *created = false;
  std::error_code ec;
  if (!fs::exists(config.data_dir, ec)) {
    fs::create_directories(config.data_dir, ec);
    if (ec) {
      std::fprintf(stderr, "krypton: cannot create data dir %s: %s\n", config.data_dir.c_str(),
                   ec.message().c_str());
      return false;
    }
    fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    *created = true;
  }
  int n = TightenFileModes(config);
  if (tightened != nullptr) *tightened = n;
  std::string key_path = config.JwtKeyPath();
  if (config.jwt.alg == "HS256" && !fs::exists(key_path, ec)) {
    // 256-bit HS256 secret, generated once (D10).
    if (!WriteSecretFile(key_path, RandomHex(32) + "\n")) {
      std::fprintf(stderr, "krypton: cannot write %s\n", key_path.c_str());
      return false;
    }
    *created = true;
  }
  auto store = OpenConfiguredStore(config);
  if (!store) return false;
  // The public account system (pid 00000000000) always exists.
  if (!store->GetManufacturer(std::string(kPublicPid)).ok()) {
    storage::Manufacturer m = NewManufacturer(std::string(kPublicPid), "Public");
    if (auto s = store->UpsertManufacturer(m); !s.ok()) {
      std::fprintf(stderr, "krypton: cannot create the public manufacturer: %s\n",
                   s.ToString().c_str());
      return false;
    }
  }
  return true;
}

std::unique_ptr<storage::Store> OpenConfiguredStore(const config::Config& config) {
  // The loader accepts only "sqlite" (config.cc); a backend added to the key table without
  // its store here must not fall back to SQLite silently.
  if (config.store.backend != "sqlite") {
    std::fprintf(stderr, "krypton: store.backend %s is not available (only sqlite)\n",
                 config.store.backend.c_str());
    return nullptr;
  }
  storage::StoreOptions options;
  options.path = config.SqlitePath();
  options.busy_timeout_ms = config.store.busy_timeout_ms;
  auto store = storage::OpenStore(options);
  if (!store.ok()) {
    std::fprintf(stderr, "krypton: cannot open the store %s: %s\n", options.path.c_str(),
                 store.status().ToString().c_str());
    return nullptr;
  }
  return std::move(store).value();
}

int RunInit(const CommonOptions& common) {
  config::Config config;
  if (!LoadConfig(common, &config)) return 2;
  bool created = false;
  if (!EnsureDataDir(config, &created)) return 1;
  if (common.json) {
    std::cout << JsonObject()
                     .Add("dataDir", config.data_dir)
                     .Add("database", config.SqlitePath())
                     .Add("created", created)
                     .Finish()
              << "\n";
  } else {
    std::cout << (created ? "initialised " : "already initialised ") << config.data_dir
              << " (database " << config.SqlitePath() << ")\n";
  }
  return 0;
}

int RunConfigShow(const CommonOptions& common) {
  config::Config config;
  if (!LoadConfig(common, &config)) return 2;
  std::cout << config::ToToml(config);
  return 0;
}

int RunConfigKeys(const CommonOptions& common) {
  if (common.json) {
    std::string out = "[";
    for (const auto& k : config::Keys()) {
      out += (out.size() > 1 ? "," : "") + JsonObject()
                                               .Add("key", k.key)
                                               .Add("env", k.env)
                                               .Add("type", k.type)
                                               .Add("default", k.default_value)
                                               .Add("doc", k.doc)
                                               .Finish();
    }
    std::cout << out << "]\n";
    return 0;
  }
  for (const auto& k : config::Keys()) {
    std::cout << k.key << "\t" << k.type << "\t" << k.default_value << "\t" << k.doc << "\n";
  }
  return 0;
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help, Cli& cli) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  cmd->add_option("--data-dir", cli.common.data_dir,
                  "Data directory (default: data_dir of the config)");
  cmd->add_option("--config", cli.common.config_file,
                  "TOML configuration file (default: <data-dir>/krypton.toml if present)");
  cmd->add_option("--set", cli.common.sets, "Override one setting: --set section.key=value")
      ->allow_extra_args(false);
  cmd->add_flag("--json", cli.common.json, "Machine-readable JSON output");
  return cmd;
}

CLI::App* AddGroup(CLI::App& parent, const std::string& name, const std::string& help) {
  CLI::App* group = parent.add_subcommand(name, help);
  group->require_subcommand(1);
  return group;
}

// `serve` is registered here, with the other set-up commands, so that serve.cc stays the
// server's wiring.
void AddSetupCommands(CLI::App& app, Cli& cli) {
  AddCommand(app, "init", "Create the data directory, its secrets and database", cli)
      ->callback([&cli] { cli.code = RunInit(cli.common); });
  CLI::App* serve = AddCommand(app, "serve", "Run the server in the foreground", cli);
  bool& test_clock = cli.Keep<bool>();
  serve->add_flag("--test-clock", test_clock,
                  "Tests only: scheduler tasks run on a clock set by POST /test/clock");
  serve->callback([&cli, &test_clock] { cli.code = RunServe(cli.common, test_clock); });
  CLI::App* cfg = AddGroup(app, "config", "Show the configuration");
  AddCommand(*cfg, "show", "Print the resolved configuration as TOML", cli)->callback([&cli] {
    cli.code = RunConfigShow(cli.common);
  });
  AddCommand(*cfg, "keys", "List every configuration key with its default", cli)->callback([&cli] {
    cli.code = RunConfigKeys(cli.common);
  });
}

}  // namespace krypton::app
