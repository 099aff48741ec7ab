// The instruction a scheduler task's command names, and whether a PARTIAL share grants
// it (user-api.md §5.3.5, §5.5; D26): checked when a grantee writes a task and again
// each time it fires.
#ifndef KRYPTON_SCHEDULER_INSTRUCTION_H_
#define KRYPTON_SCHEDULER_INSTRUCTION_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "codec/template.h"
#include "common/status.h"

namespace krypton::scheduler {

// An instruction is named by its cmdTag or its decimal cmdId; either may be empty.
struct InstructionName {
  std::string tag;
  std::string id;
};

// The template's command when the codec resolved one, else the data's own cmdTag /
// cmdId.
InstructionName InstructionOf(simdjson::dom::element data, const codec::Command* command);

// `granted`: a PARTIAL share's instructions with their expiry (0 = never). OK when the
// name is granted and unexpired at `now_ms`; 5400019 expired; 5400026 not granted.
Status CheckGranted(const std::vector<std::pair<std::string, int64_t>>& granted,
                    const InstructionName& name, int64_t now_ms);

}  // namespace krypton::scheduler

#endif  // KRYPTON_SCHEDULER_INSTRUCTION_H_
