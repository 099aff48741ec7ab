// The user profile and preferences (user-api.md §5.7): one JSON document per account.
// Reads and partial updates; each update reads, merges and writes the document in one
// transaction, so concurrent updates of different keys both stay.
#ifndef KRYPTON_ACCOUNTS_PROFILE_H_
#define KRYPTON_ACCOUNTS_PROFILE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "accounts/accounts.h"

namespace krypton::accounts {

// The profile as GET /user/profile answers it (uid, email, phoneNumber, the stored
// fields with their defaults, extraProperties also echoed at the top level, updateDate,
// thirdAccount []). 5400039 (kUserNotExist) when the account is gone.
Result<std::string> GetProfile(Env& env, const std::string& uid);

// PUT /user/profile: `patch_json` is a partial update; extraProperties are merged key by
// key, updateDate set to `now_ms`. Errors, checked before anything is read: 6400024 not
// an object, kUserProfileModifyFailed for a read-only key, 6400017
// (kUserInvalidParam) for a bad age, gender, string field or extraProperties; then
// kUserNotExist; a failed write is kUserProfileModifyFailed.
Status UpdateProfile(Env& env, const std::string& uid, const std::string& patch_json,
                     int64_t now_ms);

// Preferences live in the profile document under "_preferences" (never shown by
// GetProfile) as {"global": {…}, "<mid>": {…}}. Without a mid: all scopes (with
// "global" always present); with one: that scope ({} when unset).
Result<std::string> GetPreferences(Env& env, const std::string& uid,
                                   const std::optional<std::string>& mid);
// Merges key by key: into the `mid` scope, or without one, object values into the scope
// of their key and other values into "global". 6400024 not an object; kUserNotExist.
Status UpdatePreferences(Env& env, const std::string& uid, const std::string& patch_json,
                         const std::optional<std::string>& mid);

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_PROFILE_H_
