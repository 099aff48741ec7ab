// Test support: zip packages made in memory with libzip (H5 uploads, tests 18 and 21).
#ifndef KRYPTON_TESTS_SUPPORT_ZIP_MAKER_H_
#define KRYPTON_TESTS_SUPPORT_ZIP_MAKER_H_

#include <string>
#include <utility>
#include <vector>

#include "api_client.h"

namespace krypton::testing {

// The Content-Type of a package upload.
inline const Headers kZip = {{"Content-Type", "application/zip"}};

// The bytes of a zip with these {name, data} entries, in order, names stored as given
// (reported through gtest when libzip fails).
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace krypton::testing

#endif  // KRYPTON_TESTS_SUPPORT_ZIP_MAKER_H_
