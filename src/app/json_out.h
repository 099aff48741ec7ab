// A tiny JSON object builder for `--json` command output (RapidJSON's writer).
#ifndef KRYPTON_APP_JSON_OUT_H_
#define KRYPTON_APP_JSON_OUT_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace krypton::app {

class JsonObject {
 public:
  JsonObject() : writer_(buf_) { writer_.StartObject(); }

  JsonObject& Add(std::string_view key, std::string_view value) {
    Key(key);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonObject& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
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

}  // namespace krypton::app

#endif  // KRYPTON_APP_JSON_OUT_H_
