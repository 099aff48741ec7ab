// ProductCodecs: each product's current protocol template, parsed once and shared by the
// hub's per-message paths (templates-and-frames.md §6–§7, decisions D7, D16).
//
// Contract
// - Get(mid) returns the product's parsed current template with its check mode and
//   decorate switch, cached per event loop (LoopCache: no lock per message); a template
//   stored by another process (admin CLI: it publishes no event) is used within `ttl_ms`,
//   one stored through this process's API at once: given a bus, the codecs invalidate
//   themselves on every bus::ChangeEvent kTemplate (from construction to destruction;
//   OnChange only bumps the cache's generation).
// - nullptr: the product does not exist. `tpl` empty: the product has no template, or
//   its stored template no longer parses (logged once per load) — the hub then forwards
//   data unchecked, as for a product without a template.
// - Thread-safety: any thread; values are immutable.
#ifndef KRYPTON_HUB_PRODUCT_CODEC_H_
#define KRYPTON_HUB_PRODUCT_CODEC_H_

#include <memory>
#include <optional>
#include <string>

#include "bus/bus.h"
#include "codec/codec.h"
#include "common/clock.h"
#include "hub/change_watch.h"
#include "hub/loop_cache.h"
#include "storage/store.h"

namespace krypton::hub {

struct ProductCodec {
  std::string mid;
  std::optional<codec::Template> tpl;
  int version = 0;  // the template's version; 0 without one
  codec::CheckMode check_mode = codec::CheckMode::kLenient;
  bool decorate = true;  // the product's decorateDevSend (D16)
};

class ProductCodecs {
 public:
  ProductCodecs(storage::Store& store, const Clock& clock, int ttl_ms, size_t max_entries,
                size_t loops, bus::Bus* bus = nullptr)
      : store_(store),
        cache_(clock, ttl_ms, max_entries, loops),
        watch_(bus, bus::ChangeEvent::Kind::kTemplate,
               [this](const bus::ChangeEvent&) { cache_.Invalidate(); }) {}
  std::shared_ptr<const ProductCodec> Get(const std::string& mid);
  void Invalidate() { cache_.Invalidate(); }

 private:
  std::shared_ptr<const ProductCodec> Load(const std::string& mid, Status* error);

  storage::Store& store_;
  LoopCache<ProductCodec> cache_;
  ChangeWatch watch_;  // last: unsubscribes before cache_ goes
};

}  // namespace krypton::hub

#endif  // KRYPTON_HUB_PRODUCT_CODEC_H_
