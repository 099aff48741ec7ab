// Shared by the admin and demo commands (app-internal).
#ifndef KRYPTON_APP_ADMIN_INTERNAL_H_
#define KRYPTON_APP_ADMIN_INTERNAL_H_

#include <memory>
#include <string>

#include "app/commands.h"
#include "common/status.h"
#include "storage/store.h"

namespace krypton::app {

// Prints "krypton: <message>" to stderr; returns 1 (the exit code of a failed command).
int Fail(const std::string& message);

// {"mid","pid","name","prodKey","productPublicKey","workModeType","deviceAuth",
// "preRegister","status"}: a product in `--json` output.
std::string ProductJson(const storage::Product& p);

// A manufacturer record with fresh device-authentication secrets (kept by the store
// when the manufacturer exists already).
storage::Manufacturer NewManufacturer(const std::string& pid, const std::string& name);

std::unique_ptr<storage::Store> OpenForAdmin(const CommonOptions& common, config::Config* config);

// Creates an account; the Status detail says why it could not be created.
Result<std::string> CreateUser(storage::Store& store, const UserCreateOptions& options);

// Validates and creates a PUBLISHED product with template version 1: the flags' own
// checks, then the catalogue's rules (catalog::CreateProduct, as the enterprise API).
Result<storage::Product> CreateProduct(storage::Store& store, const ProductCreateOptions& options,
                                       const std::string& template_json);

}  // namespace krypton::app

#endif  // KRYPTON_APP_ADMIN_INTERNAL_H_
