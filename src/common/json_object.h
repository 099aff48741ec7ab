// JsonObject: a tiny builder for one flat JSON object (RapidJSON's writer), so that no
// response body, hub frame or CLI output is ever joined from strings: every value that
// came from a client or the store is escaped by the writer (issue 14 item 5).
#ifndef KRYPTON_COMMON_JSON_OBJECT_H_
#define KRYPTON_COMMON_JSON_OBJECT_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace krypton {

class JsonObject {
 public:
  JsonObject() : writer_(buf_) { writer_.StartObject(); }

  JsonObject& Add(std::string_view key, std::string_view value) {
    Key(key);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonObject& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  JsonObject& Add(std::string_view key, const std::string& value) {
    return Add(key, std::string_view(value));
  }
  JsonObject& Add(std::string_view key, int64_t value) {
    Key(key);
    writer_.Int64(value);
    return *this;
  }
  JsonObject& Add(std::string_view key, int value) { return Add(key, static_cast<int64_t>(value)); }
  JsonObject& Add(std::string_view key, bool value) {
    Key(key);
    writer_.Bool(value);
    return *this;
  }
  JsonObject& AddNull(std::string_view key) {
    Key(key);
    writer_.Null();
    return *this;
  }
  JsonObject& AddStrings(std::string_view key, const std::vector<std::string>& values) {
    Key(key);
    writer_.StartArray();
    for (const std::string& v : values) {
      writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
    writer_.EndArray();
    return *this;
  }
  // `json` must be a complete JSON value.
  JsonObject& AddRaw(std::string_view key, std::string_view json) {
    Key(key);
    writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  // The finished object; the builder must not be used afterwards.
  std::string Finish() {
    writer_.EndObject();
    return std::string(buf_.GetString(), buf_.GetSize());
  }

 private:
  void Key(std::string_view key) {
    writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  }
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace krypton

#endif  // KRYPTON_COMMON_JSON_OBJECT_H_
