#include "http/routes/api.h"

namespace krypton::http {

void AddFolderRoutes(Router& router, ApiContext& ctx) {
  (void)router;
  (void)ctx;
}

}  // namespace krypton::http
