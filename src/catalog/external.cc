// The enterprise side of the app-facing endpoints (external.h).
#include "catalog/external.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "catalog/catalog.h"
#include "common/secrets.h"

namespace krypton::catalog {
namespace {

constexpr size_t kMaxUrl = 1024;

constexpr const char* kFirmwareRequired =
    "binType (1 to 32 characters) and binUrl (1 to 1024) are required; md5 is at most 64 "
    "characters";
constexpr const char* kNewsText =
    "title is required (1 to 256 characters); infoContent is at most 65536, authorName 128";
constexpr const char* kNewsTags = "infoTags must be at most 32 strings of at most 64 characters";
constexpr const char* kDemoDevice =
    "deviceName is required (1 to 128 characters); logo, desc, androidH5Page and iosH5Page "
    "are strings of at most 1024";

// A string member: "" when absent, std::nullopt when present but not a string. The
// typed checks below then apply to both doors alike.
std::optional<std::string> Member(simdjson::dom::object o, std::string_view key) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS) return std::string();
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

Status PidExists(storage::Store& store, const std::string& pid) {
  auto m = store.GetManufacturer(pid);
  if (m.ok()) return Status();
  return m.status().not_found() ? Status(Code::kEntPidNotExist) : Internal(m.status());
}

// ---- firmware: the checks in the order both doors apply them ----

Status CheckFirmwareRequired(const FirmwareFields& f) {
  if (f.bin_type.empty() || f.bin_type.size() > 32 || f.bin_url.empty() ||
      f.bin_url.size() > kMaxUrl || f.md5.size() > 64) {
    return Illegal(kFirmwareRequired);
  }
  return Status();
}

Status CheckFirmwareVersion(const FirmwareFields& f) {
  if (f.bin_ver.empty() || f.bin_ver.size() > 64 || !ParseVersion(f.bin_ver)) {
    return IllegalVersion();
  }
  return Status();
}

Status CheckFirmwareSize(const FirmwareFields& f) {
  if (f.size < 0) return Illegal("size must be a non-negative integer");
  return Status();
}

Result<storage::FirmwareRule> PutRule(storage::Store& store, const storage::Product& p,
                                      const FirmwareFields& f, int64_t now_ms) {
  for (Status s : {CheckFirmwareRequired(f), CheckFirmwareVersion(f), CheckFirmwareSize(f)}) {
    if (!s.ok()) return s;
  }
  storage::FirmwareRule r{p.mid, f.bin_type, f.bin_ver, f.bin_url, f.md5, f.size, now_ms};
  if (auto s = store.PutFirmwareRule(r); !s.ok()) {
    return s.not_found() ? Status(Code::kEntProductNotExist) : Internal(s);
  }
  return r;
}

// ---- news ----

Status CheckNewsText(const NewsFields& f) {
  if (f.title.empty() || f.title.size() > 256 || f.info_content.size() > 65536 ||
      f.author_name.size() > 128) {
    return Illegal(kNewsText);
  }
  return Status();
}

Status CheckNewsTags(const std::vector<std::string>& tags) {
  if (tags.size() > 32 ||
      std::any_of(tags.begin(), tags.end(), [](const std::string& t) { return t.size() > 64; })) {
    return Illegal(kNewsTags);
  }
  return Status();
}

Result<storage::NewsItem> AddNews(storage::Store& store, const std::string& pid,
                                  const NewsFields& f, int64_t now_ms) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const std::string& t : f.info_tags) {
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  }
  w.EndArray();
  storage::NewsItem n;
  n.id = RandomAlnum(16);
  n.pid = pid;
  n.title = f.title;
  n.info_content = f.info_content;
  n.info_tags_json.assign(buf.GetString(), buf.GetSize());
  n.author_name = f.author_name;
  n.update_time_ms = now_ms;
  if (auto s = store.CreateNews(n); !s.ok()) {
    return s.not_found() ? Status(Code::kEntPidNotExist) : Internal(s);
  }
  return n;
}

// ---- demo devices ----

Status CheckDemoDevice(const storage::DemoDevice& d) {
  if (d.device_name.empty() || d.device_name.size() > 128 || d.logo.size() > kMaxUrl ||
      d.desc.size() > 1024 || d.android_h5_page.size() > kMaxUrl ||
      d.ios_h5_page.size() > kMaxUrl) {
    return Illegal(kDemoDevice);
  }
  return Status();
}

Status PutDemoDevices(storage::Store& store, const std::string& pid,
                      const std::vector<storage::DemoDevice>& devices) {
  auto s = store.ReplaceDemoDevices(pid, devices);
  if (s.not_found()) return Status(Code::kEntPidNotExist);
  if (!s.ok()) return Internal(s);
  return Status();
}

}  // namespace

std::optional<Version> ParseVersion(std::string_view v) {
  Version parts;
  while (true) {
    size_t dot = v.find('.');
    std::string_view part = v.substr(0, dot);
    int64_t n = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || part.size() > 9 || ec != std::errc() || end != part.data() + part.size() ||
        part[0] == '-' || part[0] == '+') {
      return std::nullopt;
    }
    parts.push_back(n);
    if (parts.size() > 8) return std::nullopt;
    if (dot == std::string_view::npos) break;
    v.remove_prefix(dot + 1);
  }
  return parts;
}

int CompareVersions(const Version& a, const Version& b) {
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    int64_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

Status IllegalVersion() { return Illegal("binVer must be dotted numbers, e.g. 4.1.6.1"); }

Result<Page> ParsePage(std::string_view page, std::string_view size) {
  // A non-negative decimal integer; `fallback` when empty.
  auto number = [](std::string_view v, int64_t fallback) -> std::optional<int64_t> {
    if (v.empty()) return fallback;
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
  };
  auto p = number(page, 0), s = number(size, 20);
  if (!p || !s || *s < 1 || *s > 100 || *p > 1000000) {
    return Illegal("page must be 0 or more, size 1 to 100");
  }
  return Page{*p, *s};
}

Result<storage::FirmwareRule> SetFirmwareRule(storage::Store& store,
                                              const std::optional<std::string>& owner,
                                              const std::string& mid, const FirmwareFields& f,
                                              int64_t now_ms) {
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  return PutRule(store, *p, f, now_ms);
}

Result<storage::FirmwareRule> SetFirmwareRuleFromJson(storage::Store& store,
                                                      const std::optional<std::string>& owner,
                                                      const std::string& mid, std::string_view body,
                                                      int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(body.data(), body.size()).get_object().get(o) != simdjson::SUCCESS) {
    return Illegal("the body must be a JSON object");
  }
  auto p = OwnedProduct(store, owner, mid);
  if (!p.ok()) return p.status();
  // A required member of the wrong type counts as missing; an optional one is refused
  // with the detail of its check (md5: the first check; size: the last).
  auto bin_type = Member(o, "binType"), bin_ver = Member(o, "binVer"),
       bin_url = Member(o, "binUrl"), md5 = Member(o, "md5");
  if (!md5) return Illegal(kFirmwareRequired);
  FirmwareFields f{bin_type.value_or(""), bin_ver.value_or(""), bin_url.value_or(""), *md5, 0};
  simdjson::dom::element size;
  if (o["size"].get(size) == simdjson::SUCCESS &&
      size.get_int64().get(f.size) != simdjson::SUCCESS) {
    f.size = -1;
  }
  return PutRule(store, *p, f, now_ms);
}

Result<std::vector<storage::FirmwareRule>> FirmwareRules(storage::Store& store,
                                                         const std::optional<std::string>& reader,
                                                         const std::string& mid) {
  auto p = OwnedProduct(store, std::nullopt, mid);
  if (!p.ok()) return p.status();
  if (reader) {
    auto may = MayRead(store, *p, *reader);
    if (!may.ok()) return may.status();
    if (!*may) return Status(Code::kEntProductNotExist);
  }
  auto rules = store.ListFirmwareRules(p->mid);
  if (!rules.ok()) return Internal(rules.status());
  return std::move(*rules);
}

Result<storage::NewsItem> CreateNews(storage::Store& store, const std::string& pid,
                                     const NewsFields& f, int64_t now_ms) {
  for (Status s : {PidExists(store, pid), CheckNewsText(f), CheckNewsTags(f.info_tags)}) {
    if (!s.ok()) return s;
  }
  return AddNews(store, pid, f, now_ms);
}

Result<storage::NewsItem> CreateNewsFromJson(storage::Store& store, const std::string& pid,
                                             std::string_view body, int64_t now_ms) {
  if (Status s = PidExists(store, pid); !s.ok()) return s;
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(body.data(), body.size()).get_object().get(o) != simdjson::SUCCESS) {
    return Illegal("the body must be a JSON object");
  }
  auto title = Member(o, "title"), content = Member(o, "infoContent"),
       author = Member(o, "authorName");
  if (!content || !author) return Illegal(kNewsText);
  NewsFields f{title.value_or(""), *content, {}, *author};
  if (Status s = CheckNewsText(f); !s.ok()) return s;
  simdjson::dom::element tags;
  if (o["infoTags"].get(tags) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (tags.get_array().get(arr) != simdjson::SUCCESS || arr.size() > 32) {
      return Illegal(kNewsTags);
    }
    for (simdjson::dom::element t : arr) {
      std::string_view tag;
      if (t.get_string().get(tag) != simdjson::SUCCESS) return Illegal(kNewsTags);
      f.info_tags.emplace_back(tag);
    }
  }
  if (Status s = CheckNewsTags(f.info_tags); !s.ok()) return s;
  return AddNews(store, pid, f, now_ms);
}

Result<std::vector<storage::Feedback>> ListFeedback(storage::Store& store, const std::string& pid,
                                                    const Page& page) {
  if (Status s = PidExists(store, pid); !s.ok()) return s;
  auto list = store.ListFeedback(pid, page.page * page.size, page.size);
  if (!list.ok()) return Internal(list.status());
  return std::move(*list);
}

Status ReplaceDemoDevices(storage::Store& store, const std::string& pid,
                          const std::vector<storage::DemoDevice>& devices) {
  if (Status s = PidExists(store, pid); !s.ok()) return s;
  if (devices.size() > kMaxDemoDevices) return Illegal("at most 100 demo devices");
  for (const storage::DemoDevice& d : devices) {
    if (Status s = CheckDemoDevice(d); !s.ok()) return s;
  }
  return PutDemoDevices(store, pid, devices);
}

Status ReplaceDemoDevicesFromJson(storage::Store& store, const std::string& pid,
                                  std::string_view body) {
  if (Status s = PidExists(store, pid); !s.ok()) return s;
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  if (parser.parse(body.data(), body.size()).get_array().get(items) != simdjson::SUCCESS) {
    return Illegal("the body must be a JSON array");
  }
  if (items.size() > kMaxDemoDevices) return Illegal("at most 100 demo devices");
  std::vector<storage::DemoDevice> devices;
  for (simdjson::dom::element e : items) {
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      return Illegal("every element must be a JSON object");
    }
    auto name = Member(o, "deviceName"), logo = Member(o, "logo"), desc = Member(o, "desc"),
         android = Member(o, "androidH5Page"), ios = Member(o, "iosH5Page");
    if (!logo || !desc || !android || !ios) return Illegal(kDemoDevice);
    storage::DemoDevice d{pid, name.value_or(""), *logo, *desc, *android, *ios};
    if (Status s = CheckDemoDevice(d); !s.ok()) return s;
    devices.push_back(std::move(d));
  }
  return PutDemoDevices(store, pid, devices);
}

Result<std::vector<storage::DemoDevice>> DemoDevices(storage::Store& store,
                                                     const std::string& pid) {
  if (Status s = PidExists(store, pid); !s.ok()) return s;
  auto list = store.ListDemoDevices(pid);
  if (!list.ok()) return Internal(list.status());
  return std::move(*list);
}

}  // namespace krypton::catalog
