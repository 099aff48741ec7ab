#include "bus/inproc_bus.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

#include "common/status.h"

namespace krypton::bus {

namespace asio = boost::asio;

namespace {

void PostReply(asio::any_io_executor executor, const ReplyFn& reply, CommandReply r) {
  asio::post(executor, [reply, r = std::move(r)]() mutable { reply(std::move(r)); });
}

}  // namespace

InprocBus::InprocBus() : subscribers_(std::make_shared<const std::vector<Subscriber*>>()) {}

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

void InprocBus::PublishChange(const ChangeEvent& event) {
  auto subs = subscribers_.load();
  for (Subscriber* s : *subs) s->OnChange(event);
}

InprocBus::Shard& InprocBus::ShardOf(const std::string& dev_tid) {
  return shards_[std::hash<std::string>{}(dev_tid) % kShards];
}

bool InprocBus::Find(const std::string& dev_tid, Entry* out) {
  Shard& shard = ShardOf(dev_tid);
  std::lock_guard lock(shard.mu);
  auto it = shard.map.find(dev_tid);
  if (it == shard.map.end()) return false;
  *out = it->second;
  return true;
}

void InprocBus::SendCommand(DeviceCommand command, asio::any_io_executor reply_executor,
                            ReplyFn reply) {
  Entry entry;
  if (!Find(command.dev_tid, &entry)) {
    return PostReply(reply_executor, reply, ErrorReply(Status(Code::kHubDeviceOffline)));
  }
  asio::post(*entry.loop, [target = entry.target, command = std::move(command), reply_executor,
                           reply = std::move(reply)]() mutable {
    auto t = target.lock();
    if (!t) return PostReply(reply_executor, reply, ErrorReply(Status(Code::kHubDeviceOffline)));
    t->Deliver(std::move(command), [reply_executor, reply](CommandReply r) {
      PostReply(reply_executor, reply, std::move(r));
    });
  });
}

void InprocBus::Notify(DeviceCommand command) {
  Entry entry;
  if (!Find(command.dev_tid, &entry)) return;
  asio::post(*entry.loop, [target = entry.target, command = std::move(command)]() mutable {
    if (auto t = target.lock()) t->Deliver(std::move(command), [](CommandReply) {});
  });
}

bool InprocBus::AttachDevice(const std::string& dev_tid, asio::io_context::executor_type executor,
                             std::weak_ptr<CommandTarget> target) {
  Entry previous;
  bool had_previous = false;
  {
    Shard& shard = ShardOf(dev_tid);
    std::lock_guard lock(shard.mu);
    auto [it, inserted] = shard.map.try_emplace(dev_tid);
    // The same target attaching again is not a replacement.
    had_previous = !inserted && (it->second.target.owner_before(target) ||
                                 target.owner_before(it->second.target));
    previous = std::exchange(it->second, Entry{&executor.context(), std::move(target)});
  }
  if (!had_previous) return false;
  asio::post(*previous.loop, [old = previous.target] {
    if (auto t = old.lock()) t->OnReplaced();
  });
  return true;
}

bool InprocBus::DetachDevice(const std::string& dev_tid, const CommandTarget* target) {
  Entry gone;  // destroyed after the lock is released
  {
    Shard& shard = ShardOf(dev_tid);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(dev_tid);
    // The caller is `target` itself, alive: lock() cannot be the last reference.
    if (it == shard.map.end() || it->second.target.lock().get() != target) {
      return false;  // replaced meanwhile
    }
    gone = std::move(it->second);
    shard.map.erase(it);
  }
  return true;
}

bool InprocBus::IsOnline(const std::string& dev_tid) {
  Entry entry;
  return Find(dev_tid, &entry) && !entry.target.expired();
}

bool InprocBus::RevokeDevice(const std::string& dev_tid) {
  Entry entry;
  if (!Find(dev_tid, &entry) || entry.target.expired()) return false;
  asio::post(*entry.loop, [target = entry.target] {
    if (auto t = target.lock()) t->OnRevoked();
  });
  return true;
}

}  // namespace krypton::bus
