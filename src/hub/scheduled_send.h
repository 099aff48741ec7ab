// ScheduledSender: the scheduler engine's Dispatcher over the hub (issue 16). A task's
// firing takes the path of an app's appSend (actions/app_send.cc), as the task's owner:
// the access policy (owner or live grantee, the task's ctrlKey; a grantee's share must
// still have enableScheduler, else 6400016), the device online, the product's template
// checks and K-V → 48 encoding (command_path.h), a PARTIAL grantee's instruction granted
// and unexpired (5400026 / 5400019), then bus::SendCommand with a hub msgId and params
// {devTid, ctrlKey, appTid:"krypton-scheduler", [subDevTid], data}.
//
// Each firing runs on the event loop its devTid hashes to (the per-loop caches of the
// access policy and the codecs apply); its outcome is reported from that loop.
#ifndef KRYPTON_HUB_SCHEDULED_SEND_H_
#define KRYPTON_HUB_SCHEDULED_SEND_H_

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <vector>

#include "hub/access.h"
#include "hub/context.h"
#include "scheduler/engine.h"

namespace krypton::hub {

// The appTid a scheduled command carries (devices echo it in their appSendResp).
inline constexpr char kSchedulerAppTid[] = "krypton-scheduler";

class ScheduledSender final : public scheduler::Dispatcher {
 public:
  // Everything referenced outlives the sender; `loops` is not empty.
  ScheduledSender(HubContext& ctx, AccessPolicy& access,
                  std::vector<boost::asio::any_io_executor> loops)
      : ctx_(ctx), access_(access), loops_(std::move(loops)) {}

  void Fire(const storage::SchedulerTask& task,
            std::function<void(scheduler::Outcome)> done) override;

 private:
  void FireOnLoop(const storage::SchedulerTask& task, boost::asio::any_io_executor loop,
                  std::function<void(scheduler::Outcome)> done);

  HubContext& ctx_;
  AccessPolicy& access_;
  std::vector<boost::asio::any_io_executor> loops_;
  std::atomic<uint32_t> frame_no_{0};  // the 48 frame number of each firing, wrapping
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_SCHEDULED_SEND_H_
