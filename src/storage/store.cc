#include "storage/store.h"

#include "storage/sqlite/sqlite_store.h"

namespace krypton::storage {

std::string StoreStatus::ToString() const {
  const char* name = "OK";
  switch (kind_) {
    case Kind::kOk:
      return name;
    case Kind::kNotFound:
      name = "NOT_FOUND";
      break;
    case Kind::kConflict:
      name = "CONFLICT";
      break;
    case Kind::kFailed:
      name = "FAILED";
      break;
  }
  std::string s = name;
  if (!detail_.empty()) s += ": " + detail_;
  return s;
}

Status Internal(const StoreStatus& s) {
  if (s.ok()) return Status::Ok();
  return Status(Code::kUserInternal).WithDetail(s.ToString());
}

Status Transact(Store& store, const std::function<Status(Store&)>& body) {
  Status outcome;
  StoreStatus tx = store.InTransaction([&](Store& s) {
    outcome = body(s);
    // A refusal rolls back whatever the body wrote before it.
    return outcome.ok() ? StoreStatus() : StoreStatus::Failed("rolled back");
  });
  if (!outcome.ok()) return outcome;
  if (!tx.ok()) return Internal(tx);
  return Status::Ok();
}

Status ToStatus(const StoreStatus& s, Code not_found, Code conflict, Code internal) {
  switch (s.kind()) {
    case StoreStatus::Kind::kOk:
      return Status::Ok();
    case StoreStatus::Kind::kNotFound:
      return Status(not_found).WithDetail(s.detail());
    case StoreStatus::Kind::kConflict:
      return Status(conflict).WithDetail(s.detail());
    case StoreStatus::Kind::kFailed:
      break;
  }
  return Status(internal).WithDetail(s.detail());
}

StoreResult<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  return SqliteStore::Open(options);
}

}  // namespace krypton::storage
