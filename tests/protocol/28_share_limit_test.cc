// Black-box: the share limit of a device (user-api.md §5.3, decision 0006, issue 15) —
// 50 share creations sent at once over 50 sockets never exceed it (the limit is counted
// and the share created in one transaction), and `limits.shares_per_device` applies when
// the product sets no maxDevShareNum (0).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

constexpr const char* kDemoMid = "DEMOSOCKET01";
constexpr const char* kLimitDesc = "You have reached your device's authorization limits";

class ShareLimitTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    owner_email_ = demo.email;
    owner_password_ = demo.password;
  }

  // `n` accounts g0…g{n-1}: their uids.
  std::vector<std::string> Grantees(int n) {
    std::vector<std::string> uids(n);
    // Account creation hashes a password per process: a few at a time.
    std::vector<std::thread> workers;
    std::atomic<int> next{0};
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&] {
        for (int i = next++; i < n; i = next++) {
          uids[i] = admin_.CreateUser("g" + std::to_string(i) + "@example.com", "grantee-secret");
        }
      });
    }
    for (auto& w : workers) w.join();
    return uids;
  }

  // The live shares of `dev_tid` as the owner lists them.
  int Listed(const std::string& owner, const std::string& dev_tid) {
    HttpResult all = api_.AsUser(owner, "GET", "/authorization?devTid=" + dev_tid);
    EXPECT_EQ(all.status, 200) << all.body;
    int n = 0;
    while (Field(all.body, ("/" + std::to_string(n)).c_str()) != "<absent>") ++n;
    return n;
  }

  std::string owner_email_, owner_password_;
};

// One share creation: v1 (201 or an error body) for even `i`, v2 (200 with one result)
// for odd `i`; the outcome as {code, desc} ("5200000" for a share made).
struct Outcome {
  std::string code;
  std::string desc;
};
Outcome CreateShare(int port, const std::string& token, int i, const std::string& dev_tid,
                    const std::string& key, const std::string& grantee) {
  ApiClient api(port);
  if (i % 2 == 0) {
    HttpResult r = api.AsUser(token, "POST", "/authorization",
                              R"({"grantee":")" + grantee + R"(","devTid":")" + dev_tid +
                                  R"(","ctrlKey":")" + key + R"(","mode":"ALL"})");
    if (r.status == 201) return {"5200000", "Success"};
    if (r.status != 400) return {"HTTP " + std::to_string(r.status), r.body};
    return {Field(r.body, "/code"), StringField(r.body, "/desc")};
  }
  HttpResult r = api.AsUser(token, "POST", "/authorization",
                            R"({"ctrlKey":[")" + key + R"("],"grantee":")" + grantee + "\"}");
  if (r.status != 200) return {"HTTP " + std::to_string(r.status), r.body};
  return {Field(r.body, "/results/0/code"), StringField(r.body, "/results/0/desc")};
}

TEST_F(ShareLimitTest, FiftyConcurrentCreationsNeverExceedTheProductsLimit) {
  constexpr int kLimit = 3;
  constexpr int kRequests = 50;
  admin_.Ok(
      {"product", "update", "--product", kDemoMid, "--max-dev-share-num", std::to_string(kLimit)});
  std::vector<std::string> grantees = Grantees(kRequests);
  ASSERT_TRUE(Serve());
  std::string owner = api_.Login(owner_email_, owner_password_);
  LineClient dev(server_->port("device"));
  std::string key = BindDemoDevice(dev, api_, owner, "SL1");

  // Every thread waits until all are ready, then sends its request on its own socket.
  std::vector<Outcome> outcomes(kRequests);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      outcomes[i] = CreateShare(api_.port(), owner, i, "SL1", key, grantees[i]);
    });
  }
  while (ready.load() < kRequests) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();

  int made = 0;
  for (int i = 0; i < kRequests; ++i) {
    if (outcomes[i].code == "5200000") {
      ++made;
      continue;
    }
    EXPECT_EQ(outcomes[i].code, "5400011") << "request " << i << ": " << outcomes[i].desc;
    EXPECT_EQ(outcomes[i].desc, kLimitDesc) << "request " << i;
  }
  EXPECT_EQ(made, kLimit);
  EXPECT_EQ(Listed(owner, "SL1"), kLimit);
}

TEST_F(ShareLimitTest, TheConfiguredLimitAppliesWhenTheProductSetsNone) {
  admin_.Ok({"product", "update", "--product", kDemoMid, "--max-dev-share-num", "0"});
  std::vector<std::string> grantees = Grantees(3);
  ASSERT_TRUE(Serve({"limits.shares_per_device=2"}));
  std::string owner = api_.Login(owner_email_, owner_password_);
  LineClient dev(server_->port("device"));
  std::string key = BindDemoDevice(dev, api_, owner, "SL2");

  for (int i = 0; i < 2; ++i) {
    Outcome o = CreateShare(api_.port(), owner, i, "SL2", key, grantees[i]);
    EXPECT_EQ(o.code, "5200000") << o.desc;
  }
  for (int i : {2, 3}) {  // v1 and v2 both refuse the third grantee
    Outcome o = CreateShare(api_.port(), owner, i, "SL2", key, grantees[2]);
    EXPECT_EQ(o.code, "5400011") << o.desc;
    EXPECT_EQ(o.desc, kLimitDesc);
  }
  EXPECT_EQ(Listed(owner, "SL2"), 2);

  // A cancelled share frees its place.
  ASSERT_EQ(api_.AsUser(owner, "DELETE", "/authorization?devTid=SL2&grantee=" + grantees[0]).status,
            204);
  EXPECT_EQ(CreateShare(api_.port(), owner, 0, "SL2", key, grantees[2]).code, "5200000");
  EXPECT_EQ(Listed(owner, "SL2"), 2);
}

}  // namespace
}  // namespace krypton::testing
