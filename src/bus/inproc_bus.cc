#include "bus/inproc_bus.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "common/status.h"
#include "net/io_pool.h"

namespace krypton::bus {

namespace asio = boost::asio;

namespace {

CommandReply ErrorReply(Code code) {
  Status s(code);
  return CommandReply{s.number(), s.Message(), ""};
}

void PostReply(asio::any_io_executor executor, const ReplyFn& reply, CommandReply r) {
  asio::post(executor, [reply, r = std::move(r)]() mutable { reply(std::move(r)); });
}

}  // namespace

InprocBus::InprocBus(std::vector<asio::any_io_executor> loops)
    : loops_(std::move(loops)), subscribers_(std::make_shared<const std::vector<Subscriber*>>()) {
  for (size_t i = 0; i < loops_.size(); ++i) local_.push_back(std::make_unique<Map>());
}

void InprocBus::Subscribe(Subscriber* subscriber) {
  std::lock_guard lock(subscribe_mu_);
  auto next = std::make_shared<std::vector<Subscriber*>>(*subscribers_.load());
  next->push_back(subscriber);
  subscribers_.store(std::move(next));
}

void InprocBus::Unsubscribe(Subscriber* subscriber) {
  std::lock_guard lock(subscribe_mu_);
  auto next = std::make_shared<std::vector<Subscriber*>>(*subscribers_.load());
  next->erase(std::remove(next->begin(), next->end(), subscriber), next->end());
  subscribers_.store(std::move(next));
}

void InprocBus::PublishReport(const DeviceReport& report) {
  auto subs = subscribers_.load();
  for (Subscriber* s : *subs) s->OnReport(report);
}

void InprocBus::PublishPresence(const PresenceEvent& event) {
  auto subs = subscribers_.load();
  for (Subscriber* s : *subs) s->OnPresence(event);
}

void InprocBus::PublishUserPush(const UserPush& push) {
  auto subs = subscribers_.load();
  for (Subscriber* s : *subs) s->OnUserPush(push);
}

bool InprocBus::Find(const std::string& dev_tid, Entry* out) {
  int loop = net::IoPool::CurrentLoopIndex();
  if (loop >= 0 && static_cast<size_t>(loop) < local_.size()) {
    const Map& map = *local_[loop];
    auto it = map.find(dev_tid);
    if (it != map.end() && !it->second.target.expired()) {
      *out = it->second;
      return true;
    }
  }
  std::lock_guard lock(mu_);
  auto it = master_.find(dev_tid);
  if (it == master_.end()) return false;
  *out = it->second;
  return true;
}

void InprocBus::SendCommand(DeviceCommand command, asio::any_io_executor reply_executor,
                            ReplyFn reply) {
  Entry entry;
  if (!Find(command.dev_tid, &entry)) {
    return PostReply(reply_executor, reply, ErrorReply(Code::kHubDeviceOffline));
  }
  asio::post(entry.executor, [target = entry.target, command = std::move(command), reply_executor,
                              reply = std::move(reply)]() mutable {
    auto t = target.lock();
    if (!t) return PostReply(reply_executor, reply, ErrorReply(Code::kHubDeviceOffline));
    t->Deliver(std::move(command), [reply_executor, reply](CommandReply r) {
      PostReply(reply_executor, reply, std::move(r));
    });
  });
}

bool InprocBus::AttachDevice(const std::string& dev_tid, asio::any_io_executor executor,
                             std::weak_ptr<CommandTarget> target) {
  Entry previous;
  {
    std::lock_guard lock(mu_);
    const CommandTarget* raw = target.lock().get();
    Entry& slot = master_[dev_tid];
    previous = std::move(slot);
    slot = Entry{std::move(executor), std::move(target), raw};
    if (previous.raw == raw) previous = Entry();
  }
  RefreshLoops(dev_tid);
  if (previous.raw == nullptr) return false;
  asio::post(previous.executor, [old = previous.target] {
    if (auto t = old.lock()) t->OnReplaced();
  });
  return true;
}

bool InprocBus::DetachDevice(const std::string& dev_tid, const CommandTarget* target) {
  {
    std::lock_guard lock(mu_);
    auto it = master_.find(dev_tid);
    if (it == master_.end() || it->second.raw != target) return false;  // replaced meanwhile
    master_.erase(it);
  }
  RefreshLoops(dev_tid);
  return true;
}

void InprocBus::RefreshLoops(const std::string& dev_tid) {
  for (size_t i = 0; i < loops_.size(); ++i) {
    asio::post(loops_[i], [this, i, dev_tid] {
      Entry entry;
      bool found;
      {
        std::lock_guard lock(mu_);
        auto it = master_.find(dev_tid);
        found = it != master_.end();
        if (found) entry = it->second;
      }
      if (found) {
        (*local_[i])[dev_tid] = std::move(entry);
      } else {
        local_[i]->erase(dev_tid);
      }
    });
  }
}

bool InprocBus::IsOnline(const std::string& dev_tid) {
  Entry entry;
  return Find(dev_tid, &entry) && !entry.target.expired();
}

bool InprocBus::RevokeDevice(const std::string& dev_tid) {
  Entry entry;
  if (!Find(dev_tid, &entry) || entry.target.expired()) return false;
  asio::post(entry.executor, [target = entry.target] {
    if (auto t = target.lock()) t->OnRevoked();
  });
  return true;
}

}  // namespace krypton::bus
