// The account domain (src/accounts) over a real SQLite store and the in-process bus:
// each operation's success path, the kTokenEpoch event after a password change or
// reset, and that a failed check writes nothing.
#include "accounts/accounts.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "accounts/codes.h"
#include "accounts/epoch_listener.h"
#include "accounts/links.h"
#include "accounts/passwords.h"
#include "accounts/profile.h"
#include "accounts/tokens.h"
#include "auth/jwt.h"
#include "auth/password.h"
#include "auth/token_epochs.h"
#include "bus/inproc_bus.h"
#include "common/identifiers.h"
#include "common/secrets.h"

namespace krypton::accounts {
namespace {

const std::string kPid(kPublicPid);
constexpr int64_t kNow = 1'700'000'000'000;
constexpr const char* kPhone = "+15550001";
constexpr const char* kNewPhone = "+15550002";

// Records every ChangeEvent published on the bus.
class Recorder final : public bus::Subscriber {
 public:
  void OnReport(const bus::DeviceReport&) override {}
  void OnPresence(const bus::PresenceEvent&) override {}
  void OnChange(const bus::ChangeEvent& e) override {
    std::lock_guard lock(mu_);
    events_.push_back(e);
  }
  std::vector<std::string> EpochKeys() {
    std::lock_guard lock(mu_);
    std::vector<std::string> keys;
    for (const auto& e : events_) {
      if (e.kind == bus::ChangeEvent::Kind::kTokenEpoch) keys.push_back(e.key);
    }
    return keys;
  }

 private:
  std::mutex mu_;
  std::vector<bus::ChangeEvent> events_;
};

std::unique_ptr<storage::Store> OpenMemoryStore() {
  auto opened = storage::OpenStore({":memory:", 1000});
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets());
    ASSERT_NE(store_, nullptr);
    storage::Manufacturer m;
    m.pid = kPid;
    m.name = "public";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    bus_.Subscribe(&recorder_);
    auto jwt = auth::JwtCodec::FromKey("HS256", std::string(64, 'k'));
    ASSERT_TRUE(jwt.ok());
    jwt_ = std::move(jwt).value();
  }
  void TearDown() override { bus_.Unsubscribe(&recorder_); }

  // A code of `purpose` sent to `target`, in clear.
  std::string Code(const std::string& target, const std::string& purpose) {
    auto code = IssueCode(env_, {kPid, target, purpose}, 100, kNow);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? *code : "";
  }
  // A registered phone account with password "secret1".
  std::string Registered(const std::string& phone = kPhone) {
    auto uid = Register(env_, kPid, {true, phone}, "secret1", Code(phone, "register"), kNow);
    EXPECT_TRUE(uid.ok()) << uid.status().ToString();
    return uid.ok() ? *uid : "";
  }
  storage::User UserOf(const std::string& uid) {
    auto u = store_->GetUser(uid);
    EXPECT_TRUE(u.ok());
    return u.ok() ? *u : storage::User{};
  }
  bool HasCode(const std::string& pid, const std::string& target, const std::string& purpose) {
    return store_->GetVerifyCode(pid, target, purpose).ok();
  }

  std::unique_ptr<storage::Store> store_ = OpenMemoryStore();
  bus::InprocBus bus_;
  config::Config config_;
  Env env_{*store_, bus_, config_};
  Recorder recorder_;
  std::unique_ptr<auth::JwtCodec> jwt_;
};

// ---- Verify codes ----

TEST_F(AccountsTest, CodesAreIssuedCheckedAndDroppedAfterFiveWrongGuesses) {
  EXPECT_TRUE(MaySendCode(env_, {kPid, kPhone, "register"}, {true, kPhone}).ok());
  EXPECT_EQ(MaySendCode(env_, {kPid, kPhone, "resetPassword"}, {true, kPhone}).code(),
            Code::kUaaUserNotExist);
  EXPECT_EQ(MaySendCode(env_, {"99999999999", kPhone, "register"}, {true, kPhone}).code(),
            Code::kUserNoSuchManufacturer);
  std::string code = Code(kPhone, "register");
  ASSERT_EQ(code.size(), 6u);
  bool wrong = false;
  EXPECT_TRUE(CheckCode(env_, {kPid, kPhone, "register"}, code, kNow, &wrong).ok());
  EXPECT_FALSE(wrong);
  EXPECT_EQ(CheckCode(env_, {kPid, kPhone, "register"}, code, kNow + kCodeTtlMs, &wrong).code(),
            Code::kUaaVerifyCodeExpired);
  EXPECT_FALSE(wrong);
  std::string bad = code == "000000" ? "111111" : "000000";
  for (int i = 1; i <= kMaxAttempts; ++i) {
    wrong = false;
    EXPECT_EQ(CheckCode(env_, {kPid, kPhone, "register"}, bad, kNow, &wrong).code(),
              Code::kUaaInvalidVerifyCode);
    EXPECT_TRUE(wrong);
    EXPECT_EQ(HasCode(kPid, kPhone, "register"), i < kMaxAttempts) << i;
  }
  wrong = false;
  EXPECT_EQ(CheckCode(env_, {kPid, kPhone, "register"}, code, kNow, &wrong).code(),
            Code::kUaaVerifyCodeMismatch);
  EXPECT_TRUE(wrong);
}

TEST_F(AccountsTest, DailyCapRefusesAndStoresNothing) {
  ASSERT_TRUE(IssueCode(env_, {kPid, kPhone, "register"}, 1, kNow).ok());
  auto again = IssueCode(env_, {kPid, kPhone, "resetPassword"}, 1, kNow + 1);
  EXPECT_EQ(again.status().code(), Code::kUaaTooManyVerifyCodes);
  EXPECT_FALSE(HasCode(kPid, kPhone, "resetPassword"));
}

TEST_F(AccountsTest, ConfirmedCodeGivesATokenThatRegisters) {
  std::string code = Code(kPhone, "register");
  auto purpose = LatestCodePurpose(env_, kPid, kPhone);
  ASSERT_TRUE(purpose.ok());
  EXPECT_EQ(*purpose, "register");
  bool wrong = false;
  auto checked = ConfirmCode(env_, {kPid, kPhone, "register"}, code, kNow, &wrong);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->expires_at_ms, kNow + kCodeTtlMs);
  auto uid = Register(env_, kPid, {true, kPhone}, "secret1", checked->token, kNow);
  ASSERT_TRUE(uid.ok()) << uid.status().ToString();
  EXPECT_EQ(LatestCodePurpose(env_, kPid, kPhone).status().code(), Code::kUaaVerifyCodeMismatch);
}

// ---- Registration ----

TEST_F(AccountsTest, RegisterCreatesTheAccountAndSpendsTheCode) {
  std::string uid = Registered();
  ASSERT_EQ(uid.size(), 11u);
  storage::User u = UserOf(uid);
  EXPECT_EQ(u.phone, kPhone);
  EXPECT_EQ(u.pid, kPid);
  EXPECT_EQ(u.created_at_ms, kNow);
  EXPECT_TRUE(auth::VerifyPassword(u.password_hash, "secret1"));
  EXPECT_FALSE(HasCode(kPid, kPhone, "register"));
  EXPECT_EQ(MayRegister(env_, kPid, {true, kPhone}).code(), Code::kUaaUserAlreadyRegistered);
  EXPECT_TRUE(recorder_.EpochKeys().empty());
}

TEST_F(AccountsTest, RegisterWithAWrongCodeWritesNothing) {
  std::string code = Code(kPhone, "register");
  auto uid =
      Register(env_, kPid, {true, kPhone}, "secret1", code == "000000" ? "1" : "000000", kNow);
  EXPECT_EQ(uid.status().code(), Code::kUaaInvalidVerifyCode);
  EXPECT_FALSE(store_->FindUserByPhone(kPid, kPhone).ok());
  auto stored = store_->GetVerifyCode(kPid, kPhone, "register");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->attempts, 0);  // the caller's CheckCode counts, not Register
}

TEST_F(AccountsTest, RegisterUnverifiedThenVerifyEmailLetsTheAccountLogIn) {
  auto user = RegisterUnverified(env_, kPid, "a@example.com", "secret1", kNow);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_FALSE(user->email_verified);
  EXPECT_EQ(RegisterUnverified(env_, kPid, "a@example.com", "secret1", kNow).status().code(),
            Code::kUaaUserAlreadyRegistered);
  auto found = FindLogin(env_, kPid, "a@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  bool wrong = false;
  EXPECT_EQ(Login(env_, *jwt_, *found, "secret1", "", kNow / 1000, &wrong).status().code(),
            Code::kUaaUserNotVerified);
  EXPECT_FALSE(wrong);
  EXPECT_TRUE(MayResendVerification(env_, kPid, "a@example.com").ok());
  auto token = NewEmailToken(env_, user->uid, "verifyEmail", kNow);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(EmailTokenAccount(*token), user->uid);
  EXPECT_EQ(VerifyEmail(env_, user->uid + ".nope", kNow, &wrong).code(),
            Code::kUaaInvalidEmailToken);
  EXPECT_TRUE(wrong);
  EXPECT_FALSE(UserOf(user->uid).email_verified);
  ASSERT_TRUE(VerifyEmail(env_, *token, kNow, &wrong).ok());
  EXPECT_TRUE(UserOf(user->uid).email_verified);
  EXPECT_EQ(VerifyEmail(env_, *token, kNow, &wrong).code(), Code::kUaaInvalidEmailToken);
  EXPECT_EQ(MayResendVerification(env_, kPid, "a@example.com").status().code(),
            Code::kUaaAccountAlreadyVerified);
  found = FindLogin(env_, kPid, "a@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_TRUE(Login(env_, *jwt_, *found, "secret1", "", kNow / 1000, &wrong).ok());
}

// ---- Passwords and token epochs ----

TEST_F(AccountsTest, ResetPasswordByCodeIsAllOrNothingAndPublishesTheEpoch) {
  std::string uid = Registered();
  ASSERT_TRUE(store_->PutRefreshToken({"r1", uid, kNow / 1000 + 100, false}).ok());
  std::string code = Code(kPhone, "resetPassword");
  // A wrong code: nothing changes, nothing is published.
  EXPECT_EQ(ResetPassword(env_, uid, kPid, {true, kPhone}, code == "000000" ? "1" : "000000",
                          "newpass1", kNow)
                .code(),
            Code::kUaaInvalidVerifyCode);
  EXPECT_TRUE(auth::VerifyPassword(UserOf(uid).password_hash, "secret1"));
  EXPECT_EQ(UserOf(uid).token_epoch, 0);
  EXPECT_TRUE(recorder_.EpochKeys().empty());
  // The right one: new hash, new epoch, refresh tokens revoked, code spent, event.
  ASSERT_TRUE(ResetPassword(env_, uid, kPid, {true, kPhone}, code, "newpass1", kNow).ok());
  storage::User u = UserOf(uid);
  EXPECT_TRUE(auth::VerifyPassword(u.password_hash, "newpass1"));
  EXPECT_EQ(u.token_epoch, 1);
  EXPECT_TRUE(store_->GetRefreshToken("r1")->revoked);
  EXPECT_FALSE(HasCode(kPid, kPhone, "resetPassword"));
  EXPECT_EQ(recorder_.EpochKeys(), std::vector<std::string>{uid});
  // The code is single use.
  EXPECT_EQ(ResetPassword(env_, uid, kPid, {true, kPhone}, code, "newpass2", kNow).code(),
            Code::kUaaVerifyCodeMismatch);
}

TEST_F(AccountsTest, ResetPasswordByEmailSpendsTheLinkAndPublishesTheEpoch) {
  std::string uid = Registered();
  auto token = NewEmailToken(env_, uid, "resetPasswordEmail", kNow);
  ASSERT_TRUE(token.ok());
  bool wrong = false;
  EXPECT_TRUE(CheckEmailToken(env_, *token, "resetPasswordEmail", kNow, &wrong).ok());
  EXPECT_EQ(CheckEmailToken(env_, *token, "changeEmail", kNow, &wrong).code(),
            Code::kUaaInvalidEmailToken);
  EXPECT_EQ(ResetPasswordByEmail(env_, uid + ".bad", "newpass1", kNow).code(),
            Code::kUaaInvalidEmailToken);
  EXPECT_EQ(ResetPasswordByEmail(env_, *token, "newpass1", kNow + kEmailTokenTtlMs).code(),
            Code::kUaaInvalidEmailToken);
  EXPECT_EQ(UserOf(uid).token_epoch, 0);
  EXPECT_TRUE(recorder_.EpochKeys().empty());
  ASSERT_TRUE(ResetPasswordByEmail(env_, *token, "newpass1", kNow).ok());
  EXPECT_TRUE(auth::VerifyPassword(UserOf(uid).password_hash, "newpass1"));
  EXPECT_EQ(UserOf(uid).token_epoch, 1);
  EXPECT_FALSE(HasCode("", uid, "resetPasswordEmail"));
  EXPECT_EQ(recorder_.EpochKeys(), std::vector<std::string>{uid});
  EXPECT_EQ(ResetPasswordByEmail(env_, *token, "newpass2", kNow).code(),
            Code::kUaaInvalidEmailToken);
}

TEST_F(AccountsTest, ChangePasswordChecksTheOldOneAndPublishesTheEpoch) {
  std::string uid = Registered();
  bool wrong = false;
  EXPECT_EQ(ChangePassword(env_, uid, "wrong-old", "newpass1", &wrong).code(),
            Code::kUaaInvalidOldPassword);
  EXPECT_TRUE(wrong);
  EXPECT_TRUE(auth::VerifyPassword(UserOf(uid).password_hash, "secret1"));
  EXPECT_TRUE(recorder_.EpochKeys().empty());
  wrong = false;
  ASSERT_TRUE(ChangePassword(env_, uid, "secret1", "newpass1", &wrong).ok());
  EXPECT_FALSE(wrong);
  EXPECT_TRUE(auth::VerifyPassword(UserOf(uid).password_hash, "newpass1"));
  EXPECT_EQ(UserOf(uid).token_epoch, 1);
  EXPECT_EQ(recorder_.EpochKeys(), std::vector<std::string>{uid});
  EXPECT_EQ(ChangePassword(env_, "nobody", "x", "newpass1", &wrong).code(), Code::kUaaUserNotExist);
}

TEST_F(AccountsTest, LoginAndRefreshFollowTheTokenEpoch) {
  std::string uid = Registered();
  auto found = FindLogin(env_, kPid, kPhone);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(FindLogin(env_, "99999999999", kPhone).status().code(), Code::kUserNoSuchManufacturer);
  auto unknown = FindLogin(env_, kPid, "+15559999");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  bool wrong = false;
  EXPECT_EQ(Login(env_, *jwt_, *unknown, "secret1", "", kNow / 1000, &wrong).status().code(),
            Code::kUaaBadCredentials);
  EXPECT_TRUE(wrong);
  wrong = false;
  EXPECT_EQ(Login(env_, *jwt_, *found, "nope", "", kNow / 1000, &wrong).status().code(),
            Code::kUaaBadCredentials);
  EXPECT_TRUE(wrong);
  wrong = false;
  auto tokens = Login(env_, *jwt_, *found, "secret1", "ios", kNow / 1000, &wrong);
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  EXPECT_EQ(tokens->uid, uid);
  EXPECT_EQ(tokens->expires_in, config_.jwt.access_ttl_s);
  auto refreshed = Refresh(env_, *jwt_, tokens->refresh_token, 60, kNow / 1000);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status().ToString();
  EXPECT_EQ(refreshed->expires_in, 60);
  EXPECT_EQ(Refresh(env_, *jwt_, tokens->access_token, 0, kNow / 1000).status().code(),
            Code::kUaaInvalidToken);
  ASSERT_TRUE(ChangePassword(env_, uid, "secret1", "newpass1", &wrong).ok());
  EXPECT_EQ(Refresh(env_, *jwt_, refreshed->refresh_token, 0, kNow / 1000).status().code(),
            Code::kUaaInvalidToken);
}

TEST_F(AccountsTest, EpochListenerMakesTheCacheForgetOnAPasswordChange) {
  std::string uid = Registered();
  int loads = 0;
  auth::TokenEpochs epochs(
      [&](const std::string& u) -> std::optional<int64_t> {
        ++loads;
        auto user = store_->GetUser(u);
        if (!user.ok()) return std::nullopt;
        return user->token_epoch;
      },
      [] { return int64_t{0}; }, 3'600'000, 100);
  EpochListener listener(bus_, epochs);
  EXPECT_TRUE(epochs.Check(uid, 0).ok());
  EXPECT_TRUE(epochs.Check(uid, 0).ok());
  EXPECT_EQ(loads, 1);  // cached for the hour
  bool wrong = false;
  ASSERT_TRUE(ChangePassword(env_, uid, "secret1", "newpass1", &wrong).ok());
  // The event made it forget: the old epoch is refused at once.
  EXPECT_EQ(epochs.Check(uid, 0).code(), Code::kUaaInvalidToken);
  EXPECT_EQ(loads, 2);
  EXPECT_TRUE(epochs.Check(uid, 1).ok());
  // Another kind, or "" for every account.
  bus_.PublishChange({bus::ChangeEvent::Kind::kAccess, uid});
  EXPECT_TRUE(epochs.Check(uid, 1).ok());
  EXPECT_EQ(loads, 2);
  bus_.PublishChange({bus::ChangeEvent::Kind::kTokenEpoch, ""});
  EXPECT_TRUE(epochs.Check(uid, 1).ok());
  EXPECT_EQ(loads, 3);
}

// ---- Contact changes ----

TEST_F(AccountsTest, ChangeEmailConflictKeepsTheLinkAndSuccessSpendsIt) {
  std::string uid = Registered();
  ASSERT_TRUE(RegisterUnverified(env_, kPid, "taken@example.com", "secret1", kNow).ok());
  auto token = NewEmailToken(env_, uid, "changeEmail", kNow);
  ASSERT_TRUE(token.ok());
  bool wrong = false;
  EXPECT_EQ(ChangeEmail(env_, *token, "taken@example.com", kNow, &wrong).code(),
            Code::kUaaUserAlreadyRegistered);
  EXPECT_FALSE(wrong);
  EXPECT_TRUE(HasCode("", uid, "changeEmail"));  // rolled back with the failed change
  EXPECT_EQ(UserOf(uid).email, "");
  ASSERT_TRUE(ChangeEmail(env_, *token, "me@example.com", kNow, &wrong).ok());
  EXPECT_EQ(UserOf(uid).email, "me@example.com");
  EXPECT_TRUE(UserOf(uid).email_verified);
  EXPECT_FALSE(HasCode("", uid, "changeEmail"));
}

TEST_F(AccountsTest, ChangePhoneNeedsBothCodesAndSpendsThem) {
  std::string uid = Registered();
  std::string old_code = Code(kPhone, "changePhone");
  bool wrong = false;
  auto checked = ConfirmCode(env_, {kPid, kPhone, "changePhone"}, old_code, kNow, &wrong);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(CheckPhoneChangeToken(env_, UserOf(uid), "other").code(), Code::kUaaVerifyCodeMismatch);
  EXPECT_TRUE(CheckPhoneChangeToken(env_, UserOf(uid), checked->token).ok());
  std::string new_code = Code(kNewPhone, "register");
  // A wrong new code: counted, nothing else changes.
  EXPECT_EQ(ChangePhone(env_, uid, kNewPhone, checked->token, new_code == "000000" ? "1" : "000000",
                        kNow, &wrong)
                .code(),
            Code::kUaaInvalidVerifyCode);
  EXPECT_TRUE(wrong);
  EXPECT_EQ(UserOf(uid).phone, kPhone);
  EXPECT_EQ(store_->GetVerifyCode(kPid, kNewPhone, "register")->attempts, 1);
  EXPECT_TRUE(HasCode(kPid, kPhone, "changePhone"));
  wrong = false;
  ASSERT_TRUE(ChangePhone(env_, uid, kNewPhone, checked->token, new_code, kNow, &wrong).ok());
  EXPECT_FALSE(wrong);
  EXPECT_EQ(UserOf(uid).phone, kNewPhone);
  EXPECT_FALSE(HasCode(kPid, kPhone, "changePhone"));
  EXPECT_FALSE(HasCode(kPid, kNewPhone, "register"));
}

// ---- Profile ----

TEST_F(AccountsTest, ProfileUpdatesMergeAndRefusalsWriteNothing) {
  std::string uid = Registered();
  ASSERT_TRUE(UpdateProfile(env_, uid, R"({"firstName":"Ada","extraProperties":{"a":1}})", 5).ok());
  ASSERT_TRUE(UpdateProfile(env_, uid, R"({"extraProperties":{"b":2}})", 6).ok());
  std::string before = UserOf(uid).profile_json;
  EXPECT_EQ(UpdateProfile(env_, uid, R"({"uid":"x","firstName":"Eve"})", 7).code(),
            Code::kUserProfileModifyFailed);
  EXPECT_EQ(UpdateProfile(env_, uid, R"({"age":500})", 7).code(), Code::kUserInvalidParam);
  EXPECT_EQ(UpdateProfile(env_, uid, "[]", 7).code(), Code::kUserJsonBody);
  EXPECT_EQ(UpdateProfile(env_, "nobody", "{}", 7).code(), Code::kUserNotExist);
  EXPECT_EQ(UserOf(uid).profile_json, before);
  auto profile = GetProfile(env_, uid);
  ASSERT_TRUE(profile.ok());
  EXPECT_NE(profile->find(R"("firstName":"Ada")"), std::string::npos) << *profile;
  EXPECT_NE(profile->find(R"("extraProperties":{"a":1,"b":2})"), std::string::npos) << *profile;
  EXPECT_NE(profile->find(R"("updateDate":6)"), std::string::npos) << *profile;
  EXPECT_NE(profile->find(std::string(R"("phoneNumber":")") + kPhone), std::string::npos);
}

TEST_F(AccountsTest, PreferencesMergeByScope) {
  std::string uid = Registered();
  auto all = GetPreferences(env_, uid, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, R"({"global":{}})");
  ASSERT_TRUE(UpdatePreferences(env_, uid, R"({"dark":true,"m1":{"x":1}})", std::nullopt).ok());
  ASSERT_TRUE(UpdatePreferences(env_, uid, R"({"y":2})", std::string("m1")).ok());
  EXPECT_EQ(*GetPreferences(env_, uid, std::string("m1")), R"({"x":1,"y":2})");
  EXPECT_EQ(*GetPreferences(env_, uid, std::string("m2")), "{}");
  EXPECT_EQ(*GetPreferences(env_, uid, std::nullopt),
            R"({"global":{"dark":true},"m1":{"x":1,"y":2}})");
  EXPECT_EQ(UpdatePreferences(env_, uid, "1", std::nullopt).code(), Code::kUserJsonBody);
  // Preferences never show in the profile.
  EXPECT_EQ(GetProfile(env_, uid)->find("_preferences"), std::string::npos);
}

}  // namespace
}  // namespace krypton::accounts
