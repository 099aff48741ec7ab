// The account domain (issue 15): registration, passwords (change, reset by code or
// e-mail link), tokens and their epochs, contact changes and the profile — every rule
// that changes a user account. The UAA and profile routes are thin adapters over it.
//
// Contract
// - Operations are plain functions over an Env; they take the time, run one
//   Store::InTransaction per operation (its checks and its writes together: all or
//   nothing) and return a [[nodiscard]] Status or Result with the UAA / user API codes.
//   No store error is dropped: an unexpected one is 5500000 (storage::Internal).
// - No HTTP. argon2id runs inside the operations that take a password, on the caller's
//   thread: the routes run them on the hashing queue (routes/guard.h), never on a loop,
//   and never inside a transaction.
// - Guessing limits are the caller's (they key on the client's IP): an operation that
//   checks a secret says through `*wrong_guess` whether the guess was wrong, so the
//   caller can count it; it never decides about limits itself.
// - After a committed change that invalidates tokens they publish a bus::ChangeEvent
//   (kTokenEpoch with the uid); caches of token epochs subscribe (epoch_listener.h).
//
// Files: codes.h (verify codes), passwords.h (register, reset, change), links.h (e-mail
// links, contact changes), tokens.h (login, refresh), profile.h (profile, preferences),
// epoch_listener.h (the token-epoch cache's subscriber).
#ifndef KRYPTON_ACCOUNTS_ACCOUNTS_H_
#define KRYPTON_ACCOUNTS_ACCOUNTS_H_

#include <cstddef>
#include <string>

#include "bus/bus.h"
#include "common/status.h"
#include "config/config.h"
#include "storage/store.h"

namespace krypton::accounts {

// What every operation needs; everything outlives the call.
struct Env {
  storage::Store& store;
  bus::Bus& bus;
  const config::Config& config;
};

// Publishes kTokenEpoch for `uid` (tokens signed before now are refused everywhere).
void TokensInvalidated(Env& env, const std::string& uid);

// A phone number or a lower-case e-mail address that names an account within a pid.
struct Contact {
  bool phone = true;
  std::string value;
};

// Shortest password accepted by register, reset and change (6400017 "password").
constexpr size_t kMinPassword = 6;

bool ValidPhone(const std::string& phone);
bool ValidEmail(const std::string& email);
std::string Lower(std::string s);

// The account `uid`; kUaaUserNotExist when there is none, 5500000 on a store failure.
Result<storage::User> GetAccount(Env& env, const std::string& uid);
// The account with `contact` in `pid`; kUaaUserNotExist when none, 5500000 on a failure.
Result<storage::User> FindAccount(Env& env, const std::string& pid, const Contact& contact);
// kUserNoSuchManufacturer unless `pid` names a manufacturer.
Status PidExists(Env& env, const std::string& pid);

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_ACCOUNTS_H_
