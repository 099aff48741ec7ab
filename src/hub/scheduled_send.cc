#include "hub/scheduled_send.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <boost/asio/post.hpp>
#include <functional>

#include "devices/sharing.h"
#include "hub/command_path.h"

namespace krypton::hub {
namespace {

scheduler::Outcome Refused(const Status& s) {
  return scheduler::Outcome{"REFUSED", s.number(), s.Message(), false};
}

void String(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

void ScheduledSender::Fire(const storage::SchedulerTask& task,
                           std::function<void(scheduler::Outcome)> done) {
  auto loop = loops_[std::hash<std::string>{}(task.dev_tid) % loops_.size()];
  boost::asio::post(loop, [this, task, loop, done = std::move(done)]() mutable {
    FireOnLoop(task, loop, std::move(done));
  });
}

void ScheduledSender::FireOnLoop(const storage::SchedulerTask& task,
                                 boost::asio::any_io_executor loop,
                                 std::function<void(scheduler::Outcome)> done) {
  AccessPolicy::Grant grant;
  if (Status s = access_.CheckCommand(task.uid, task.dev_tid, task.ctrl_key, &grant); !s.ok()) {
    return done(Refused(s));
  }
  if (!grant.scheduler) return done(Refused(Status(Code::kUserNoPrivilege)));
  if (!ctx_.bus.IsOnline(task.dev_tid)) {
    return done(scheduler::OutcomeOfReply(static_cast<int>(Code::kHubDeviceOffline),
                                          Status(Code::kHubDeviceOffline).Message()));
  }
  // A 48 frame's number: one more per firing (the codec keeps its low byte).
  auto prepared = PrepareData(ctx_, grant.mid, task.code_json,
                              frame_no_.fetch_add(1, std::memory_order_relaxed) + 1);
  if (!prepared.ok()) return done(Refused(prepared.status()));
  if (grant.instructions) {
    simdjson::dom::parser parser;
    simdjson::dom::element code;
    if (parser.parse(task.code_json).get(code) != simdjson::SUCCESS) {
      return done(Refused(Status(Code::kUserInvalidParam, "code")));
    }
    auto name = devices::InstructionOf(code, prepared->command);
    if (Status s = devices::CheckInstructionGrant(*grant.instructions, name, ctx_.clock.NowMs());
        !s.ok()) {
      return done(Refused(s));
    }
  }
  const std::string& data = prepared->data_json ? *prepared->data_json : task.code_json;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("devTid");
  String(w, task.dev_tid);
  w.Key("ctrlKey");
  String(w, task.ctrl_key);
  w.Key("appTid");
  w.String(kSchedulerAppTid);
  if (!task.sub_dev_tid.empty()) {
    w.Key("subDevTid");
    String(w, task.sub_dev_tid);
  }
  w.Key("data");
  w.RawValue(data.data(), data.size(), rapidjson::kObjectType);
  w.EndObject();
  ctx_.bus.SendCommand({task.dev_tid, "appSend", std::string(buf.GetString(), buf.GetSize())}, loop,
                       [done = std::move(done)](bus::CommandReply r) {
                         done(scheduler::OutcomeOfReply(r.code, r.desc));
                       });
}

}  // namespace krypton::hub
