// InprocBus: the single-process Bus (bus.h). Subscribers are a copy-on-write list, so
// publishing takes no lock. The devTid → session registry has a master copy (mutex)
// and one read copy per event loop: a command sent from a loop thread finds its device
// in that loop's copy without a lock; attach/detach update the master and post a
// refresh of that one key to every loop. A miss in the loop copy (a device that just
// logged in) falls back to the master.
#ifndef KRYPTON_BUS_INPROC_BUS_H_
#define KRYPTON_BUS_INPROC_BUS_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "bus/bus.h"

namespace krypton::bus {

class InprocBus final : public Bus {
 public:
  // `loops` are the executors of the event loops (net::IoPool order), used for the
  // per-loop registry copies. The bus must outlive the loops' last handler.
  explicit InprocBus(std::vector<boost::asio::any_io_executor> loops);

  void Subscribe(Subscriber* subscriber) override;
  void Unsubscribe(Subscriber* subscriber) override;
  void PublishReport(const DeviceReport& report) override;
  void PublishPresence(const PresenceEvent& event) override;
  void PublishUserPush(const UserPush& push) override;
  void SendCommand(DeviceCommand command, boost::asio::any_io_executor reply_executor,
                   ReplyFn reply) override;
  bool AttachDevice(const std::string& dev_tid, boost::asio::any_io_executor executor,
                    std::weak_ptr<CommandTarget> target) override;
  bool DetachDevice(const std::string& dev_tid, const CommandTarget* target) override;
  bool IsOnline(const std::string& dev_tid) override;
  bool RevokeDevice(const std::string& dev_tid) override;

 private:
  struct Entry {
    boost::asio::any_io_executor executor;
    std::weak_ptr<CommandTarget> target;
    const CommandTarget* raw = nullptr;
  };
  using Map = std::unordered_map<std::string, Entry>;

  bool Find(const std::string& dev_tid, Entry* out);
  void RefreshLoops(const std::string& dev_tid);

  std::vector<boost::asio::any_io_executor> loops_;
  std::atomic<std::shared_ptr<const std::vector<Subscriber*>>> subscribers_;
  std::mutex subscribe_mu_;  // serialises writers of subscribers_

  std::mutex mu_;
  Map master_;                         // guarded by mu_
  std::vector<std::unique_ptr<Map>> local_;  // local_[i] touched only on loop i
};

}  // namespace krypton::bus

#endif  // KRYPTON_BUS_INPROC_BUS_H_
