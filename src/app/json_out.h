// The JSON object builder of `--json` command output: common/json_object.h.
#ifndef KRYPTON_APP_JSON_OUT_H_
#define KRYPTON_APP_JSON_OUT_H_

#include "common/json_object.h"

namespace krypton::app {

using JsonObject = krypton::JsonObject;

}  // namespace krypton::app

#endif  // KRYPTON_APP_JSON_OUT_H_
