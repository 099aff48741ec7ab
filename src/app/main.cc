// krypton: one binary for the server and its operator commands. The subcommands are
// registered by the files that run them (app/commands.h).
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/commands.h"
#include "common/secrets.h"

int main(int argc, char** argv) {
  using namespace krypton::app;
  // Everything this process creates — the database and its -wal/-shm, the outbox (live
  // verify codes and link tokens), secrets, hosted H5 files — is the owner's alone: files
  // 0600, directories 0700 (issue 14 item 5; docs/security.md).
  ::umask(077);
  if (!krypton::InitSecrets()) {
    std::fprintf(stderr, "krypton: libsodium failed to initialise\n");
    return 1;
  }

  CLI::App app{"Krypton: a self-hosted IoT device cloud, wire-compatible with Hekr.", "krypton"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "krypton 0.1.0");
  Cli cli;
  AddSetupCommands(app, cli);
  CLI::App* admin = AddGroup(app, "admin", "Operator commands on the data store");
  AddUserCommands(*admin, cli);
  AddManufacturerCommands(*admin, cli);
  AddProductCommands(*admin, cli);
  AddTemplateCommands(*admin, cli);
  AddDeviceCommands(*admin, cli);
  AddQuotaCommands(*admin, cli);
  AddH5Commands(*admin, cli);
  AddExternalCommands(*admin, cli);
  AddTokenCommands(*admin, cli);
  AddTaskCommands(*admin, cli);
  AddDemoCommand(*admin, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return cli.code;
}
