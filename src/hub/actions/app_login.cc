// appLogin (§4.1), heartbeat (§4.2) and reportAppLog (§4.7) on the app side.
#include "hub/app_connection.h"

namespace krypton::hub {

void AppLogin(AppConnection& conn, const Envelope& e) {
  if (conn.logged_in()) return conn.ReplyError(e, Status(Code::kHubAppRepeatLogin));
  auto app_tid = RequiredId(e, "appTid", IdKind::kAppTid);
  if (!app_tid.ok()) return conn.ReplyError(e, app_tid.status());
  auto token = RequiredString(e, "token", 8192);
  if (!token.ok()) return conn.ReplyError(e, token.status());
  // The token is checked only here: an established session outlives its expiry (§4.1).
  auto uid = conn.hub().verify()(*token);
  if (!uid.ok()) return conn.ReplyError(e, uid.status());
  auto user = conn.hub().ctx().store.GetUser(*uid);
  if (!user.ok()) {
    return conn.ReplyError(e,
                           user.status().not_found()
                               ? Status(Code::kHubUserNotExist)
                               : Status(Code::kHubInternal).WithDetail(user.status().ToString()));
  }
  // appLoginResp goes out before the session can receive any push (hekrapi reads
  // exactly one frame after appLogin).
  conn.Reply(e);
  conn.LoggedIn(*uid, std::string(*app_tid));
}

void AppHeartbeat(AppConnection& conn, const Envelope& e) { conn.Reply(e); }

void ReportAppLog(AppConnection& conn, const Envelope& e) { conn.Reply(e); }

}  // namespace krypton::hub
