// The account domain (issue 15): registration, passwords (change, reset by code or
// e-mail link), tokens and their epochs, contact changes and the profile — every rule
// that changes a user account. The UAA and profile routes are thin adapters over it.
//
// Contract
// - Operations are plain functions over an Env; they take the time, run one
//   Store::InTransaction per operation and return a [[nodiscard]] Status or Result with
//   the UAA / user API codes. No HTTP; argon2id runs where the caller puts it (the
//   routes run these operations on the hashing queue).
// - After a committed change that invalidates tokens they publish a bus::ChangeEvent
//   (kTokenEpoch with the uid); caches of token epochs subscribe.
#ifndef KRYPTON_ACCOUNTS_ACCOUNTS_H_
#define KRYPTON_ACCOUNTS_ACCOUNTS_H_

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

}  // namespace krypton::accounts

#endif  // KRYPTON_ACCOUNTS_ACCOUNTS_H_
