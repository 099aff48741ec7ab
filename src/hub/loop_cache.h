// LoopCache<V>: a read-through cache of immutable values kept per event loop, so the
// per-message paths (every appSend, every report) neither hit SQLite nor take a lock.
//
// Contract
// - Get() on an event loop (net::IoPool::CurrentLoopIndex() in [0, loops)) touches only
//   that loop's map; any other thread bypasses the cache and calls `load` every time.
// - An entry lives `ttl_ms` (≤ 0 disables caching) or until Invalidate(), which bumps a
//   generation every loop compares on its next Get (changes made in this process are
//   seen at once; changes made by another process, e.g. the admin CLI, within ttl_ms).
// - At most `max_entries` keys per loop; on breach that loop's map is cleared.
// - `load(key, &error)` returns nullptr with error.ok() for "does not exist" (cached),
//   or nullptr with an error (not cached).
// - Get(…, keep = false) uses a fresh entry but does not store what it loads: for
//   one-off lookups (a device's presence change) that would otherwise leave one entry
//   per idle device behind (entries are only dropped when the map overflows).
#ifndef KRYPTON_HUB_LOOP_CACHE_H_
#define KRYPTON_HUB_LOOP_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "net/io_pool.h"

namespace krypton::hub {

template <class V>
class LoopCache {
 public:
  LoopCache(const Clock& clock, int64_t ttl_ms, size_t max_entries, size_t loops)
      : clock_(clock), ttl_ms_(ttl_ms), max_entries_(max_entries), maps_(loops) {}

  template <class Load>
  std::shared_ptr<const V> Get(const std::string& key, Status* error, Load&& load,
                               bool keep = true) {
    int loop = net::IoPool::CurrentLoopIndex();
    if (ttl_ms_ <= 0 || loop < 0 || static_cast<size_t>(loop) >= maps_.size()) {
      return load(key, error);
    }
    auto& map = maps_[loop];
    uint64_t gen = generation_.load(std::memory_order_acquire);
    int64_t now = clock_.NowMs();
    auto it = map.find(key);
    if (it != map.end() && it->second.generation == gen && now - it->second.fetched_ms < ttl_ms_) {
      return it->second.value;
    }
    std::shared_ptr<const V> value = load(key, error);
    if (!keep) return value;
    if (!error->ok()) return nullptr;  // failures are not cached
    if (map.size() >= max_entries_) map.clear();
    map[key] = Entry{value, gen, now};
    return value;
  }

  void Invalidate() { generation_.fetch_add(1, std::memory_order_release); }

 private:
  struct Entry {
    std::shared_ptr<const V> value;
    uint64_t generation;
    int64_t fetched_ms;
  };
  const Clock& clock_;
  const int64_t ttl_ms_;
  const size_t max_entries_;
  std::atomic<uint64_t> generation_{0};
  // maps_[i] is touched only by loop i's thread. Padding is not worth it: each entry
  // lookup already costs a hash and a string compare.
  std::vector<std::unordered_map<std::string, Entry>> maps_;
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_LOOP_CACHE_H_
