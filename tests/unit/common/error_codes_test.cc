#include "common/error_codes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/status.h"

namespace krypton {
namespace {

struct Row {
  int32_t code;
  std::string family, message;
};

std::vector<Row> ReadTable(const std::string& path) {
  std::ifstream in(path);
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    rows.push_back({std::stoi(cols.at(0)), cols.at(1), cols.at(2)});
  }
  return rows;
}

// The customer's table: the shared original when it is beside the checkout, else the
// project's copy. Either way every row must be in the generated catalogue verbatim.
std::string CustomerTable() {
  std::string shared = std::string(KRYPTON_SHARED_SPEC_DIR) + "/error-codes.tsv";
  return std::filesystem::exists(shared) ? shared
                                         : std::string(KRYPTON_SPEC_DIR) + "/error-codes.tsv";
}

TEST(ErrorCodesTest, AllCustomerCodesPresentWithExactMessages) {
  std::vector<Row> rows = ReadTable(CustomerTable());
  ASSERT_EQ(rows.size(), 113u);
  for (const Row& row : rows) {
    const CodeInfo* info = FindCode(row.code);
    ASSERT_NE(info, nullptr) << row.code;
    EXPECT_EQ(info->message_en, row.message) << row.code;
    EXPECT_TRUE(info->customer) << row.code;
    EXPECT_EQ(static_cast<int32_t>(info->code), row.code);
  }
}

TEST(ErrorCodesTest, ProjectCopyMatchesSharedOriginal) {
  std::string shared = std::string(KRYPTON_SHARED_SPEC_DIR) + "/error-codes.tsv";
  if (!std::filesystem::exists(shared)) GTEST_SKIP() << "no ../shared/spec beside the checkout";
  std::ifstream a(shared), b(std::string(KRYPTON_SPEC_DIR) + "/error-codes.tsv");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str());
}

TEST(ErrorCodesTest, SupplementPresent) {
  std::vector<Row> rows = ReadTable(std::string(KRYPTON_SPEC_DIR) + "/uaa-codes.tsv");
  ASSERT_EQ(rows.size(), 22u);
  for (const Row& row : rows) {
    const CodeInfo* info = FindCode(row.code);
    ASSERT_NE(info, nullptr) << row.code;
    EXPECT_EQ(info->message_en, row.message);
    EXPECT_FALSE(info->customer);
  }
}

TEST(ErrorCodesTest, NoDuplicateNumbersOrNames) {
  std::set<int32_t> numbers;
  std::set<std::string_view> names;
  int customer = 0;
  for (const CodeInfo& c : AllCodes()) {
    EXPECT_TRUE(numbers.insert(c.number).second) << c.number;
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    customer += c.customer ? 1 : 0;
  }
  EXPECT_EQ(customer, 113);
  EXPECT_EQ(AllCodes().size(), 113u + 22u);
}

TEST(ErrorCodesTest, SpotChecks) {
  EXPECT_EQ(static_cast<int32_t>(Code::kHubJsonParse), 1400001);
  EXPECT_EQ(Describe(Code::kHubJsonParse).message_en, "Json parse error");
  EXPECT_EQ(Describe(Code::kHubActionNotSupported).message_en, "Action not support");
  EXPECT_EQ(Describe(Code::kHubFramePayload).message_en, "frame payload error");
  EXPECT_EQ(Describe(Code::kUaaInvalidToken).family, Family::kUaa);
  EXPECT_EQ(Describe(Code::kEntQuotaMissing).family, Family::kEnterprise);
  EXPECT_EQ(Describe(Code::kUserSuccess).number, 5200000);
  EXPECT_EQ(Describe(Code::kUserFolderSuccess).number, 6200000);
  EXPECT_EQ(Describe(Code::kHubDeviceOffline).meaning_zh, "设备不在线");
  EXPECT_EQ(FindCode(1400007), nullptr);  // not in the table
  EXPECT_EQ(Describe(Code::kOk).message_en, "success");
}

TEST(ErrorCodesTest, PlaceholdersFormat) {
  EXPECT_EQ(Status(Code::kHubValueTooHigh, "power").Message(),
            "The field power contains a value that is too high");
  EXPECT_EQ(Status(Code::kHubValueTooLow, "temp").Message(),
            "The field temp contains a value that is too low");
  EXPECT_EQ(Status(Code::kHubValueNotEnumerated, "mode").Message(),
            "The value of the field mode must be an enumerated value");
  EXPECT_EQ(Status(Code::kUserInvalidParam, "devTid").Message(), "Invalid Param devTid");
  EXPECT_EQ(Status(Code::kUserIftttParam, "cronExpr too frequent").Message(),
            "cronExpr too frequent");
  // Every code with {0} formats without leaving the placeholder behind.
  for (const CodeInfo& c : AllCodes()) {
    std::string m = Status(c.code, "X").Message();
    EXPECT_EQ(m.find("{0}"), std::string::npos) << c.number;
  }
}

}  // namespace
}  // namespace krypton
