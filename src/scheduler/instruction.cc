#include "scheduler/instruction.h"

namespace krypton::scheduler {

InstructionName InstructionOf(simdjson::dom::element data, const codec::Command* command) {
  InstructionName name;
  if (command != nullptr) {
    name.tag = command->tag;
    name.id = std::to_string(command->id);
    return name;
  }
  std::string_view tag;
  if (data["cmdTag"].get(tag) == simdjson::SUCCESS) name.tag = std::string(tag);
  int64_t id = 0;
  if (data["cmdId"].get(id) == simdjson::SUCCESS) name.id = std::to_string(id);
  return name;
}

Status CheckGranted(const std::vector<std::pair<std::string, int64_t>>& granted,
                    const InstructionName& name, int64_t now_ms) {
  for (const auto& [instruction, expire_at] : granted) {
    if ((!name.tag.empty() && instruction == name.tag) ||
        (!name.id.empty() && instruction == name.id)) {
      if (expire_at != 0 && expire_at <= now_ms) return Status(Code::kUserInstructionExpired);
      return Status();
    }
  }
  return Status(Code::kUserInstructionNotGranted);
}

}  // namespace krypton::scheduler
