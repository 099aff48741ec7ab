// Folders (user-api.md §5.2): every user has the implicit root "0"; a device the user owns
// or holds a live share of is in exactly one of the user's folders, the root unless moved.
// http/routes/folders.cc is the adapter.
//
// Contract
// - One Store::InTransaction per operation with its checks and writes (the folder count
//   and a folder's device count are checked in the transaction that adds to them); a
//   refused check writes nothing. User API codes; store failures 5500000.
// - Folders change no one's access to a device: no ChangeEvent is published.
// - Limits (D12): limits.folders_per_user (6400008), limits.devices_per_folder, root
//   included (6400005). Names: 1…128 characters, each an English letter, a digit or a
//   Chinese ideograph, valid UTF-8 (6400017), unique per user and never "root" (6400006).
#ifndef KRYPTON_DEVICES_FOLDERS_H_
#define KRYPTON_DEVICES_FOLDERS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "devices/devices.h"

namespace krypton::devices {

inline constexpr char kRootFolder[] = "0";
inline constexpr char kRootFolderName[] = "root";

// A folder with the devices in it that the user may see (sorted).
struct FolderView {
  storage::Folder folder;
  std::set<std::string> dev_tids;
};

// A new empty folder named `name` (6400017 "folderName", 6400006, 6400008). Folders are
// listed by creation time, kept strictly increasing per user.
[[nodiscard]] Result<FolderView> CreateFolder(Env& env, const Caller& caller,
                                              const std::string& name, int64_t now_ms);

// The root and the user's folders in creation order, only those in `wanted` when not
// empty, page `page` (< 0 counts as 0) of `size` (clamped to 1…folders_per_user + 1).
[[nodiscard]] Result<std::vector<FolderView>> ListFolders(Env& env, const Caller& caller,
                                                          const std::set<std::string>& wanted,
                                                          int page, int size, int64_t now_ms);

// 6400010 the root; 6400007 unknown; 6400017 "newFolderName"; 6400006 taken; the same
// name is a no-op.
[[nodiscard]] Status RenameFolder(Env& env, const Caller& caller, const std::string& folder_id,
                                  const std::string& new_name);

// Its devices go back to the root. 6400009 the root; 6400007 unknown.
[[nodiscard]] Status DeleteFolder(Env& env, const Caller& caller, const std::string& folder_id);

// Every folder but the root.
[[nodiscard]] Status DeleteAllFolders(Env& env, const Caller& caller);

// A device to file, named by devTid and proven by its current ctrlKey.
struct FolderItem {
  std::string dev_tid;
  std::string ctrl_key;
};

// Moves each item into folder `folder_id` (6400007 for the whole call when unknown):
// one Status per item — OK (also when already there), 6400004 unknown device, 5400014
// not the user's device or wrong ctrlKey, 6400005 folder full. `*after` (may be null)
// is the folder afterwards.
[[nodiscard]] Result<std::vector<Status>> FileDevices(Env& env, const Caller& caller,
                                                      const std::string& folder_id,
                                                      const std::vector<FolderItem>& items,
                                                      int64_t now_ms, FolderView* after);

// Moves the device back to the root if it is in `folder_id` (a device filed elsewhere
// stays): 6400007 unknown folder, then 6400004 / 5400014 as FileDevices.
[[nodiscard]] Status UnfileDevice(Env& env, const Caller& caller, const std::string& folder_id,
                                  const FolderItem& item, int64_t now_ms);

}  // namespace krypton::devices

#endif  // KRYPTON_DEVICES_FOLDERS_H_
