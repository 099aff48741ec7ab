// InprocBus: the single-process Bus (bus.h). Subscribers are a copy-on-write list, so
// publishing takes no lock. The devTid → session registry is one map split into
// kShards shards by hash, each behind its own mutex, held only to find, insert or
// erase one entry (never while calling a session). One entry per online device and no
// per-loop copies: an idle device costs one node, and a login or logout posts nothing
// to other loops (decision 0011).
#ifndef KRYPTON_BUS_INPROC_BUS_H_
#define KRYPTON_BUS_INPROC_BUS_H_

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "bus/bus.h"

namespace krypton::bus {

class InprocBus final : public Bus {
 public:
  // The bus must outlive the loops' last handler.
  InprocBus();

  void Subscribe(Subscriber* subscriber) override;
  void Unsubscribe(Subscriber* subscriber) override;
  void PublishReport(const DeviceReport& report) override;
  void PublishPresence(const PresenceEvent& event) override;
  void PublishUserPush(const UserPush& push) override;
  void PublishChange(const ChangeEvent& event) override;
  void Notify(DeviceCommand command) override;
  void SendCommand(DeviceCommand command, boost::asio::any_io_executor reply_executor,
                   ReplyFn reply) override;
  bool AttachDevice(const std::string& dev_tid, boost::asio::io_context::executor_type executor,
                    std::weak_ptr<CommandTarget> target) override;
  bool DetachDevice(const std::string& dev_tid, const CommandTarget* target) override;
  bool IsOnline(const std::string& dev_tid) override;
  bool RevokeDevice(const std::string& dev_tid) override;

 private:
  struct Entry {
    boost::asio::io_context* loop = nullptr;  // 8 bytes, not a 48-byte any_io_executor
    std::weak_ptr<CommandTarget> target;      // compared by owner, never dereferenced here
  };
  // A lock per shard: loops looking up different devices seldom meet on one mutex.
  struct alignas(64) Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> map;  // guarded by mu
  };
  static constexpr size_t kShards = 16;

  Shard& ShardOf(const std::string& dev_tid);
  bool Find(const std::string& dev_tid, Entry* out);

  std::atomic<std::shared_ptr<const std::vector<Subscriber*>>> subscribers_;
  std::mutex subscribe_mu_;  // serialises writers of subscribers_
  std::array<Shard, kShards> shards_;
};

}  // namespace krypton::bus

#endif  // KRYPTON_BUS_INPROC_BUS_H_
