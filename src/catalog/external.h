// The enterprise side of the app-facing endpoints (enterprise-api.md §3.1.3–§3.1.6;
// docs/decisions/0009-enterprise-external.md): firmware rules, news, the feedback list
// and demo devices. The validation and store writes behind
// PUT/GET /api/v1/enterprise/product/{mid}/firmware, POST /api/v1/enterprise/news,
// GET /api/v1/enterprise/feedback and PUT /api/v1/enterprise/demoDevices
// (http/routes/ent_external.cc) and `krypton admin firmware|news|feedback|demo-devices`,
// plus the version and paging rules the app-facing reads (/external/…) share. Contract:
// - No HTTP, no clock, no I/O but the Store: callers pass the time and the enterprise
//   they act for (`owner` / `reader`: std::nullopt = the operator, who may act on any
//   product; `pid`: the enterprise whose news, feedback or demo devices these are).
// - Each write comes in two forms: typed fields (the admin CLI) and the JSON document the
//   enterprise API takes (…FromJson). Both check the members in the same order with the
//   same detail texts, so a request with several problems gets the same answer from
//   either door; a refused request changes nothing.
// - Errors are the enterprise codes: 8400002 (kEntIllegalArgument) with a detail naming
//   the problem (the HTTP API answers "Illegal argument: <detail>"), 8400000
//   (kEntProductNotExist) for an unknown or foreign product, 8400004 (kEntPidNotExist)
//   for a pid that is no manufacturer, kUserInternal (detail = the store's message) for
//   store failures.
// - Threads: any; each call is a few Store statements.
#ifndef KRYPTON_CATALOG_EXTERNAL_H_
#define KRYPTON_CATALOG_EXTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace krypton::catalog {

// ---- Versions and paging -------------------------------------------------------------

// A firmware version: 1 to 8 dotted parts of 1 to 9 digits each ("4.1.6.1").
using Version = std::vector<int64_t>;
// std::nullopt unless `v` is a version.
std::optional<Version> ParseVersion(std::string_view v);
// <0, 0, >0 as `a` is older than, equal to or newer than `b`; parts compare as integers
// and missing parts count as 0 (4.2 == 4.2.0.0, 4.10 > 4.2).
int CompareVersions(const Version& a, const Version& b);
// 8400002 "binVer must be dotted numbers, e.g. 4.1.6.1" (the PUT and the check).
Status IllegalVersion();

// A page of a list: `page` counts from 0, `size` is 1 to 100.
struct Page {
  int64_t page = 0;
  int64_t size = 20;
};
// The page the texts `page` and `size` ask for ("" = the default: 0 and 20); 8400002
// "page must be 0 or more, size 1 to 100" unless both are plain decimal integers in range.
Result<Page> ParsePage(std::string_view page, std::string_view size);

// ---- §3.1.3 firmware rules -----------------------------------------------------------

struct FirmwareFields {
  std::string bin_type;  // 1 to 32 characters
  std::string bin_ver;   // a Version
  std::string bin_url;   // 1 to 1024 characters
  std::string md5;       // at most 64 characters; "" = none
  int64_t size = 0;      // 0 or more
};

// Sets product `mid`'s rule for f.bin_type, replacing the one it had (one rule per
// binType, no history). `owner` must own the product (8400000). Checks, in order:
// binType, binUrl and md5; then binVer; then size. Returns the stored rule.
Result<storage::FirmwareRule> SetFirmwareRule(storage::Store& store,
                                              const std::optional<std::string>& owner,
                                              const std::string& mid, const FirmwareFields& f,
                                              int64_t now_ms);
// The same from the PUT's body {binType, binVer, binUrl, md5?, size?}: 8400002 when it
// is no JSON object (before the product is looked up); a member of the wrong type is
// refused with the detail of its check.
Result<storage::FirmwareRule> SetFirmwareRuleFromJson(storage::Store& store,
                                                      const std::optional<std::string>& owner,
                                                      const std::string& mid, std::string_view body,
                                                      int64_t now_ms);

// Product `mid`'s rules by binType, when `reader` owns the product or is authorized to
// read it (8400000 otherwise).
Result<std::vector<storage::FirmwareRule>> FirmwareRules(storage::Store& store,
                                                         const std::optional<std::string>& reader,
                                                         const std::string& mid);

// ---- §3.1.4 news ---------------------------------------------------------------------

struct NewsFields {
  std::string title;                   // 1 to 256 characters
  std::string info_content;            // at most 65536 characters
  std::vector<std::string> info_tags;  // at most 32, each at most 64 characters
  std::string author_name;             // at most 128 characters
};

// Publishes a news item of enterprise `pid` (8400004 when it is no manufacturer) with a
// random 16-character id, dated `now_ms`. Checks title, infoContent and authorName, then
// infoTags. Returns the stored item.
Result<storage::NewsItem> CreateNews(storage::Store& store, const std::string& pid,
                                     const NewsFields& f, int64_t now_ms);
// The same from the POST's body {title, infoContent?, infoTags?, authorName?} (8400002
// when it is no JSON object).
Result<storage::NewsItem> CreateNewsFromJson(storage::Store& store, const std::string& pid,
                                             std::string_view body, int64_t now_ms);

// ---- §3.1.5 feedback -----------------------------------------------------------------

// The feedback filed under enterprise `pid`, newest first (8400004 when `pid` is no
// manufacturer).
Result<std::vector<storage::Feedback>> ListFeedback(storage::Store& store, const std::string& pid,
                                                    const Page& page);

// ---- §3.1.6 demo devices -------------------------------------------------------------

constexpr size_t kMaxDemoDevices = 100;

// Replaces enterprise `pid`'s demo devices by `devices`, in order, atomically (each
// device's own pid is ignored; 8400004 when `pid` is no manufacturer). At most
// kMaxDemoDevices; each needs a deviceName of 1 to 128 characters, logo, desc,
// androidH5Page and iosH5Page are at most 1024.
Status ReplaceDemoDevices(storage::Store& store, const std::string& pid,
                          const std::vector<storage::DemoDevice>& devices);
// The same from the PUT's body, a JSON array of {deviceName, logo?, desc?,
// androidH5Page?, iosH5Page?} (8400002 when it is no array or an element no object).
Status ReplaceDemoDevicesFromJson(storage::Store& store, const std::string& pid,
                                  std::string_view body);

// Enterprise `pid`'s demo devices in the order they were set (8400004 when `pid` is no
// manufacturer; the app-facing read answers [] instead and does not use this).
Result<std::vector<storage::DemoDevice>> DemoDevices(storage::Store& store, const std::string& pid);

}  // namespace krypton::catalog

#endif  // KRYPTON_CATALOG_EXTERNAL_H_
