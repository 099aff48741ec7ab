// Black-box: the scheduler tasks of the user API (user-api.md §5.5, D26, issue 16) —
// create and upsert answer the caller's full list (enabled first, newest first), the
// three schedule types and the 2016 aliases derive their cron and next firing, partial
// updates, deletes and filters, the count and its configured limit, every refusal with
// its exact code and message (and nothing written), the grantees' rights, the history
// and `krypton admin task list`. The server runs with --test-clock set to kNowMs, so
// every nextTriggerTime below is an exact instant.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kDemoMid = "DEMOSOCKET01";
constexpr const char* kDev = "ST1";
// 2030-01-01T12:00:00Z, a Tuesday: 20:00 on that Tuesday at UTC+8 (the default zone).
constexpr int64_t kNowMs = 1'893'499'200'000;
constexpr const char* kPowerOn = R"({"cmdId":2,"power":1})";
constexpr const char* kPowerOff = R"({"cmdId":2,"power":0})";
// Monday, Tuesday and Thursday at 12:00 (UTC+8): next on Thursday 2030-01-03 04:00Z.
constexpr const char* kGeneric =
    R"("schedulerType":"GENERIC","cronExpr":"0 0 12 ? * MON,TUE,THU *")";
constexpr const char* kGenericNext = "1893643200000";

constexpr const char* kInvalidCron = "Invalid Param cronExpr";
constexpr const char* kNoSuchTask = "Scheduler task with given id does not exist";
constexpr const char* kNotOwned = "Device does not belong to user";

class SchedulerApiTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    owner_uid_ = demo.uid;
    owner_email_ = demo.email;
    owner_password_ = demo.password;
    bob_uid_ = admin_.CreateUser("bob@example.com", "bob-secret");
    carol_uid_ = admin_.CreateUser("carol@example.com", "carol-secret");
  }

  // Serves with --test-clock and these sets, logs the three accounts in, binds kDev to
  // the owner (key_) and, when `set_clock`, sets the scheduler clock to kNowMs.
  ::testing::AssertionResult Start(std::vector<std::string> sets = {}, bool set_clock = true) {
    ::testing::AssertionResult started = ServeTestClock(std::move(sets));
    if (!started) return started;
    owner_ = api_.Login(owner_email_, owner_password_);
    bob_ = api_.Login("bob@example.com", "bob-secret");
    carol_ = api_.Login("carol@example.com", "carol-secret");
    dev_ = std::make_unique<LineClient>(server_->port("device"));
    key_ = BindDemoDevice(*dev_, api_, owner_, kDev);
    if (key_.empty()) return ::testing::AssertionFailure() << "no ctrlKey for " << kDev;
    if (set_clock && SetClock(kNowMs) != kNowMs) {
      return ::testing::AssertionFailure() << "the test clock did not move";
    }
    return ::testing::AssertionSuccess();
  }

  // "devTid=…&ctrlKey=…" of kDev.
  std::string Device() const { return std::string("devTid=") + kDev + "&ctrlKey=" + key_; }
  // A task body naming kDev, with these members.
  std::string Body(const std::string& members) const {
    return std::string(R"({"devTid":")") + kDev + R"(","ctrlKey":")" + key_ + "\"," + members + "}";
  }
  // Task members: a name, a schedule and a command.
  static std::string Task(const std::string& name, const std::string& schedule,
                          const std::string& code = kPowerOn) {
    return R"("taskName":")" + name + "\"," + schedule + R"(,"code":)" + code;
  }

  HttpResult Create(const std::string& token, const std::string& members) {
    return api_.AsUser(token, "POST", "/rule/schedulerTask", Body(members));
  }
  // PUT with kDev in the query, then `query` ("&taskId=1"), and a body of `members` only.
  HttpResult Put(const std::string& token, const std::string& query, const std::string& members) {
    return api_.AsUser(token, "PUT", "/rule/schedulerTask?" + Device() + query,
                       "{" + members + "}");
  }
  HttpResult List(const std::string& token, const std::string& query = "") {
    return api_.AsUser(token, "GET", "/rule/schedulerTask?" + Device() + query);
  }
  HttpResult Delete(const std::string& token, const std::string& query = "") {
    return api_.AsUser(token, "DELETE", "/rule/schedulerTask?" + Device() + query);
  }
  HttpResult Count(const std::string& token) {
    return api_.AsUser(token, "GET", "/rule/schedulerTask/count?" + Device());
  }
  // The taskIds of a list answer, in order.
  static std::vector<std::string> TaskIds(const HttpResult& r) {
    return StringFields(r.body, "/taskId");
  }
  // The owner's taskIds as GET lists them.
  std::vector<std::string> OwnerIds() { return TaskIds(List(owner_)); }

  // A v1 share of kDev to GRANTEE with these extra members (mode, …), expecting 201.
  void Share(const std::string& grantee, const std::string& members,
             Where where = Where::current()) {
    HttpResult r = api_.AsUser(owner_, "POST", "/authorization",
                               R"({"grantee":")" + grantee + R"(","devTid":")" + kDev +
                                   R"(","ctrlKey":")" + key_ + "\"," + members + "}");
    EXPECT_EQ(r.status, 201) << "line " << where.line() << ": " << r.body;
  }

  // `admin task list --dev-tid kDev`: one JSON object per line.
  std::vector<std::string> AdminTasks() {
    std::istringstream out(admin_.Ok({"task", "list", "--dev-tid", kDev}));
    std::vector<std::string> lines;
    for (std::string line; std::getline(out, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  }

  std::string owner_uid_, owner_email_, owner_password_, bob_uid_, carol_uid_;
  std::string owner_, bob_, carol_, key_;
  std::unique_ptr<LineClient> dev_;
};

using IdList = std::vector<std::string>;

TEST_F(SchedulerApiTest, CreateAndUpsertAnswerTheFullList) {
  ASSERT_TRUE(Start());
  EXPECT_EQ(List(owner_).body, "[]");

  // v4 creates with PUT and taskId 0 in the body: on an empty device, a new task 0.
  HttpResult first = Put(owner_, "", R"("taskId":0,)" + Task("noon", kGeneric));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(TaskIds(first), IdList({"0"}));
  EXPECT_EQ(StringField(first.body, "/0/uid"), owner_uid_);
  EXPECT_EQ(StringField(first.body, "/0/devTid"), kDev);
  EXPECT_EQ(StringField(first.body, "/0/ctrlKey"), key_);
  EXPECT_EQ(Field(first.body, "/0/subDevTid"), "null");  // never "" (sdk-web's filter)
  EXPECT_EQ(StringField(first.body, "/0/taskName"), "noon");
  EXPECT_EQ(Field(first.body, "/0/taskKey"), "null");
  EXPECT_EQ(Field(first.body, "/0/enable"), "true");
  EXPECT_EQ(Field(first.body, "/0/code"), kPowerOn);
  EXPECT_EQ(StringField(first.body, "/0/schedulerType"), "GENERIC");
  EXPECT_EQ(StringField(first.body, "/0/cronExpr"), "0 0 12 ? * MON,TUE,THU *");
  EXPECT_EQ(Field(first.body, "/0/timeZoneOffset"), "480");
  EXPECT_EQ(Field(first.body, "/0/count"), "0");
  EXPECT_EQ(Field(first.body, "/0/expired"), "false");
  EXPECT_EQ(Field(first.body, "/0/nextTriggerTime"), kGenericNext);
  EXPECT_NE(Field(first.body, "/0/timerTaskStatus"), "<absent>");
  EXPECT_EQ(Field(first.body, "/0/createTime"), std::to_string(kNowMs));
  EXPECT_EQ(Field(first.body, "/0/serverTime/year"), "2030");
  EXPECT_EQ(Field(first.body, "/0/serverTime/monthValue"), "1");
  EXPECT_EQ(StringField(first.body, "/0/serverTime/month"), "JANUARY");

  // POST creates task 1, PUT without any taskId task 2: each answer is the full list,
  // the newest first.
  AdvanceClock(1000);
  HttpResult second = Create(owner_, Task("evening", kGeneric, kPowerOff));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(TaskIds(second), IdList({"1", "0"}));
  EXPECT_EQ(Field(second.body, "/0/createTime"), std::to_string(kNowMs + 1000));
  AdvanceClock(1000);
  HttpResult third =
      Put(owner_, "",
          Task("daily", R"("schedulerType":"GENERIC","cronExpr":"0 30 6 * * ?")", kPowerOff));
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(TaskIds(third), IdList({"2", "1", "0"}));

  // A taskId in the body naming an existing task: an update, which makes it the newest.
  AdvanceClock(1000);
  HttpResult renamed = Put(owner_, "", R"("taskId":0,"taskName":"lunch")");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(TaskIds(renamed), IdList({"0", "2", "1"}));
  EXPECT_EQ(StringField(renamed.body, "/0/taskName"), "lunch");
  EXPECT_EQ(StringField(renamed.body, "/0/cronExpr"), "0 0 12 ? * MON,TUE,THU *");
  EXPECT_EQ(Field(renamed.body, "/0/createTime"), std::to_string(kNowMs));
  EXPECT_EQ(Field(renamed.body, "/0/updateTime"), std::to_string(kNowMs + 3000));
  EXPECT_EQ(OwnerIds(), IdList({"0", "2", "1"}));
}

TEST_F(SchedulerApiTest, ScheduleTypesDeriveTheirCronAndNextFiring) {
  ASSERT_TRUE(Start());

  // ONCE: the local date and time in the task's zone (minutes east; -300 = UTC-5).
  HttpResult once = Create(owner_, Task("once", R"("schedulerType":"ONCE",)"
                                                R"("triggerDateTime":"2030-01-02T08:30:15",)"
                                                R"("timeZoneOffset":-300)"));
  ASSERT_EQ(once.status, 200) << once.body;
  EXPECT_EQ(StringField(once.body, "/0/schedulerType"), "ONCE");
  EXPECT_EQ(StringField(once.body, "/0/cronExpr"), "15 30 8 2 1 ? 2030");
  EXPECT_EQ(StringField(once.body, "/0/triggerDateTime"), "2030-01-02T08:30:15");
  EXPECT_EQ(Field(once.body, "/0/timeZoneOffset"), "-300");
  EXPECT_EQ(Field(once.body, "/0/nextTriggerTime"), "1893591015000");  // 13:30:15Z
  EXPECT_EQ(Field(once.body, "/0/expired"), "false");

  // LOOP: a time of day on weekdays given by name or number (3 = Tuesday).
  HttpResult loop = Create(
      owner_,
      Task("loop", R"("schedulerType":"LOOP","triggerTime":"07:00:00","repeatList":["MON",3])"));
  ASSERT_EQ(loop.status, 200) << loop.body;
  EXPECT_EQ(StringField(loop.body, "/0/taskName"), "loop");
  EXPECT_EQ(StringField(loop.body, "/0/schedulerType"), "LOOP");
  EXPECT_EQ(StringField(loop.body, "/0/cronExpr"), "0 0 7 ? * MON,TUE *");
  EXPECT_EQ(StringField(loop.body, "/0/triggerTime"), "07:00:00");
  EXPECT_EQ(Field(loop.body, "/0/triggerDateTime"), "null");
  // Tuesday 07:00 (UTC+8) has passed: Monday 2030-01-07 07:00 = 2030-01-06T23:00Z.
  EXPECT_EQ(Field(loop.body, "/0/nextTriggerTime"), "1893970800000");

  // GENERIC.
  HttpResult generic = Create(owner_, Task("generic", kGeneric));
  ASSERT_EQ(generic.status, 200) << generic.body;
  EXPECT_EQ(StringField(generic.body, "/0/cronExpr"), "0 0 12 ? * MON,TUE,THU *");
  EXPECT_EQ(Field(generic.body, "/0/nextTriggerTime"), kGenericNext);

  // The 2016 names: taskType, time, repeat; a ONCE task's date in triggerTime.
  HttpResult old_loop =
      Create(owner_, Task("old loop", R"("taskType":"LOOP","time":"06:30:00","repeat":"SAT,SUN")"));
  ASSERT_EQ(old_loop.status, 200) << old_loop.body;
  EXPECT_EQ(StringField(old_loop.body, "/0/taskName"), "old loop");
  EXPECT_EQ(StringField(old_loop.body, "/0/schedulerType"), "LOOP");
  EXPECT_EQ(StringField(old_loop.body, "/0/cronExpr"), "0 30 6 ? * SAT,SUN *");
  EXPECT_EQ(StringField(old_loop.body, "/0/triggerTime"), "06:30:00");
  // Saturday 2030-01-05 06:30 (UTC+8) = 2030-01-04T22:30Z.
  EXPECT_EQ(Field(old_loop.body, "/0/nextTriggerTime"), "1893796200000");
  HttpResult old_once =
      Create(owner_, Task("old once", R"("taskType":"ONCE","triggerTime":"2030-01-05T10:00:00")"));
  ASSERT_EQ(old_once.status, 200) << old_once.body;
  EXPECT_EQ(StringField(old_once.body, "/0/taskName"), "old once");
  EXPECT_EQ(StringField(old_once.body, "/0/schedulerType"), "ONCE");
  EXPECT_EQ(StringField(old_once.body, "/0/cronExpr"), "0 0 10 5 1 ? 2030");
  EXPECT_EQ(StringField(old_once.body, "/0/triggerDateTime"), "2030-01-05T10:00:00");
  EXPECT_EQ(Field(old_once.body, "/0/nextTriggerTime"), "1893808800000");  // 02:00Z

  EXPECT_EQ(OwnerIds(), IdList({"4", "3", "2", "1", "0"}));
}

TEST_F(SchedulerApiTest, PartialUpdatesDeletesAndFilters) {
  ASSERT_TRUE(Start());
  ASSERT_EQ(Create(owner_, Task("t0", kGeneric)).status, 200);
  AdvanceClock(1000);
  ASSERT_EQ(Create(owner_, Task("t1", R"("schedulerType":"LOOP","triggerTime":"07:00:00",)"
                                      R"("repeatList":["MON"],"feedback":true,"desc":"mornings")"))
                .status,
            200);
  AdvanceClock(1000);
  ASSERT_EQ(Create(owner_,
                   Task("t2", R"("schedulerType":"ONCE","triggerDateTime":"2030-02-01T00:00:00")"))
                .status,
            200);
  HttpResult before = List(owner_, "&taskId=1");
  ASSERT_EQ(TaskIds(before), IdList({"1"}));
  EXPECT_EQ(OwnerIds(), IdList({"2", "1", "0"}));

  // Disabling: only `enable` changes, and the task goes after the enabled ones.
  AdvanceClock(1000);
  HttpResult disabled = Put(owner_, "&taskId=1", R"("enable":false)");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(TaskIds(disabled), IdList({"2", "0", "1"}));
  EXPECT_EQ(Field(disabled.body, "/2/enable"), "false");
  EXPECT_EQ(Field(disabled.body, "/2/nextTriggerTime"), "null");
  for (const char* field :
       {"/taskName", "/taskKey", "/desc", "/feedback", "/code", "/schedulerType", "/cronExpr",
        "/triggerTime", "/triggerDateTime", "/repeatList", "/timeZoneOffset", "/count",
        "/createTime", "/subDevTid"}) {
    EXPECT_EQ(Field(disabled.body, (std::string("/2") + field).c_str()),
              Field(before.body, (std::string("/0") + field).c_str()))
        << field;
  }
  EXPECT_EQ(StringField(disabled.body, "/2/desc"), "mornings");
  EXPECT_EQ(Field(disabled.body, "/2/feedback"), "true");

  // An edit makes a task the newest of the enabled ones.
  AdvanceClock(1000);
  EXPECT_EQ(TaskIds(Put(owner_, "&taskId=0", R"("taskName":"renamed")")), IdList({"0", "2", "1"}));
  // Enabling again puts it back first.
  AdvanceClock(1000);
  EXPECT_EQ(TaskIds(Put(owner_, "&taskId=1", R"("enable":true)")), IdList({"1", "0", "2"}));
  EXPECT_EQ(Field(List(owner_, "&taskId=1").body, "/0/nextTriggerTime"), "1893970800000");

  // A query taskId naming nothing: 6400012, nothing created.
  ExpectApiError(Put(owner_, "&taskId=9", R"("enable":false)"), 400, "6400012", kNoSuchTask);
  ExpectApiError(Put(owner_, "&taskId=x", R"("enable":false)"), 400, "6400017",
                 "Invalid Param taskId");
  EXPECT_EQ(OwnerIds(), IdList({"1", "0", "2"}));

  // Filters.
  EXPECT_EQ(TaskIds(List(owner_, "&taskId=0,2")), IdList({"0", "2"}));
  EXPECT_EQ(TaskIds(List(owner_, "&taskId=2")), IdList({"2"}));
  ExpectApiError(List(owner_, "&taskId=5"), 400, "5400035", "TaskId does not exist");
  ExpectApiError(List(owner_, "&taskId=0,5"), 400, "5400035", "TaskId does not exist");
  ExpectApiError(List(owner_, "&taskId=a"), 400, "6400017", "Invalid Param taskId");
  ExpectApiError(Delete(owner_, "&taskId=0,a"), 400, "6400017", "Invalid Param taskId");
  HttpResult count = Count(owner_);
  EXPECT_EQ(count.status, 200);
  EXPECT_EQ(count.body, R"({"count":3,"limit":10})");

  // Deletes: an unknown id deletes nothing, even next to a known one.
  ExpectApiError(Delete(owner_, "&taskId=99"), 400, "6400012", kNoSuchTask);
  ExpectApiError(Delete(owner_, "&taskId=0,99"), 400, "6400012", kNoSuchTask);
  EXPECT_EQ(OwnerIds(), IdList({"1", "0", "2"}));
  HttpResult some = Delete(owner_, "&taskId=0,2");
  ASSERT_EQ(some.status, 200) << some.body;
  EXPECT_EQ(TaskIds(some), IdList({"1"}));
  EXPECT_EQ(OwnerIds(), IdList({"1"}));
  // Without taskId: every task of the device.
  HttpResult all = Delete(owner_);
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body, "[]");
  EXPECT_EQ(List(owner_).body, "[]");
  EXPECT_EQ(Count(owner_).body, R"({"count":0,"limit":10})");
}

TEST_F(SchedulerApiTest, DuplicatesAndTheConfiguredLimit) {
  ASSERT_TRUE(Start({"limits.tasks_per_device_user=2"}));
  EXPECT_EQ(Count(owner_).body, R"({"count":0,"limit":2})");
  ASSERT_EQ(Create(owner_, R"("taskKey":"taskKey_1",)" + Task("a", kGeneric)).status, 200);

  // The same taskKey, or the same cron and command: 6400014.
  constexpr const char* kDuplicate = "Can not create duplicate scheduler task";
  ExpectApiError(
      Create(owner_, R"("taskKey":"taskKey_1",)" +
                         Task("b", R"("schedulerType":"GENERIC","cronExpr":"0 0 8 * * ?")")),
      400, "6400014", kDuplicate);
  ExpectApiError(Create(owner_, Task("c", kGeneric)), 400, "6400014", kDuplicate);
  ExpectApiError(Put(owner_, "", Task("c", kGeneric)), 400, "6400014", kDuplicate);
  EXPECT_EQ(OwnerIds(), IdList({"0"}));

  // The same cron with another command is another task.
  AdvanceClock(1000);
  ASSERT_EQ(Create(owner_, Task("d", kGeneric, kPowerOff)).status, 200);
  EXPECT_EQ(OwnerIds(), IdList({"1", "0"}));
  // An edit may not make a duplicate either.
  ExpectApiError(Put(owner_, "&taskId=1", R"("taskKey":"taskKey_1")"), 400, "6400014", kDuplicate);
  ExpectApiError(Put(owner_, "&taskId=1", R"("code":)" + std::string(kPowerOn)), 400, "6400014",
                 kDuplicate);

  // The limit: the third task is refused, by POST and by PUT.
  constexpr const char* kLimit = "Create timer task failed due to counts reach limit";
  ExpectApiError(Create(owner_, Task("e", R"("schedulerType":"GENERIC","cronExpr":"0 0 9 * * ?")")),
                 400, "5400018", kLimit);
  ExpectApiError(
      Put(owner_, "", Task("e", R"("schedulerType":"GENERIC","cronExpr":"0 0 9 * * ?")")), 400,
      "5400018", kLimit);
  EXPECT_EQ(OwnerIds(), IdList({"1", "0"}));
  EXPECT_EQ(StringField(List(owner_, "&taskId=1").body, "/0/taskName"), "d");
  EXPECT_EQ(Field(List(owner_, "&taskId=1").body, "/0/taskKey"), "null");
  EXPECT_EQ(Count(owner_).body, R"({"count":2,"limit":2})");
  // Editing at the limit is fine.
  AdvanceClock(1000);
  EXPECT_EQ(TaskIds(Put(owner_, "&taskId=0", R"("taskName":"a2")")), IdList({"0", "1"}));
}

TEST_F(SchedulerApiTest, InvalidTasksNameTheirField) {
  ASSERT_TRUE(Start());
  auto generic = [](const std::string& cron) {
    return R"("schedulerType":"GENERIC","cronExpr":")" + cron + "\"";
  };
  // Exactly every minute is the shortest gap allowed (limits.task_min_interval_s = 60).
  ASSERT_EQ(Create(owner_, Task("minutely", generic("0 * * * * ?"))).status, 200);

  ExpectApiError(Create(owner_, Task("x", generic("0 0 25 * * ?"))), 400, "6400017", kInvalidCron);
  ExpectApiError(Create(owner_, Task("x", generic("0 0 12 L * ?"))), 400, "6400017", kInvalidCron);
  ExpectApiError(Create(owner_, Task("x", generic("0 0 12"))), 400, "6400017", kInvalidCron);
  ExpectApiError(Create(owner_, Task("x", generic("* * * * * ?"))), 400, "6400017", kInvalidCron);
  ExpectApiError(Create(owner_, Task("x", generic("*/30 * * * * ?"))), 400, "6400017",
                 kInvalidCron);
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"GENERIC")")), 400, "6400017",
                 kInvalidCron);
  // A ONCE time in the past (one second before now, UTC+8).
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"ONCE",)"
                                          R"("triggerDateTime":"2030-01-01T19:59:59")")),
                 400, "6400017", "Invalid Param triggerDateTime");
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"ONCE",)"
                                          R"("triggerDateTime":"2030-02-30T10:00:00")")),
                 400, "6400017", "Invalid Param triggerDateTime");
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"ONCE",)"
                                          R"("triggerDateTime":"2030-02-01T10:00:00",)"
                                          R"("repeatList":["MON"])")),
                 400, "6400017", "Invalid Param repeatList");
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"GENERIC","cronExpr":"0 0 8 * * ?",)"
                                          R"("timeZoneOffset":900)")),
                 400, "6400017", "Invalid Param timeZoneOffset");
  // LOOP without its time of day, or with a day that is none.
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"LOOP","repeatList":["MON"])")), 400,
                 "6400017", "Invalid Param triggerTime");
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"LOOP","triggerTime":"07:00:00",)"
                                          R"("repeatList":["FUNDAY"])")),
                 400, "6400017", "Invalid Param repeatList");
  // The command: not an object, missing, or refused by the product's template.
  ExpectApiError(Create(owner_, Task("x", kGeneric, R"("cmdId=2")")), 400, "6400017",
                 "Invalid Param code");
  ExpectApiError(Create(owner_, Task("x", kGeneric, "[2]")), 400, "6400017", "Invalid Param code");
  ExpectApiError(Create(owner_, R"("taskName":"x",)" + std::string(kGeneric)), 400, "6400017",
                 "Invalid Param code");
  ExpectApiError(Create(owner_, Task("x", kGeneric, R"({"cmdId":2,"power":9})")), 400, "6400017",
                 "Invalid Param code");
  // Sizes: a command over 4096 bytes, more than seven repeat days.
  ExpectApiError(
      Create(owner_, Task("x", kGeneric,
                          R"({"cmdId":2,"power":1,"pad":")" + std::string(4100, 'a') + "\"}")),
      400, "6400017", "Invalid Param code");
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"LOOP","triggerTime":"07:00:00",)"
                                          R"("repeatList":[1,2,3,4,5,6,7,1])")),
                 400, "6400017", "Invalid Param repeatList");
  // A field of the wrong type, no schedulerType, an unknown one.
  ExpectApiError(Create(owner_, R"("enable":"yes",)" + Task("x", kGeneric)), 400, "6400017",
                 "Invalid Param enable");
  ExpectApiError(
      Create(owner_, R"("taskName":"x","cronExpr":"0 0 8 * * ?","code":)" + std::string(kPowerOn)),
      400, "6400017", "Invalid Param schedulerType");
  ExpectApiError(Create(owner_, Task("x", R"("schedulerType":"WEEKLY","cronExpr":"0 0 8 * * ?")")),
                 400, "6400023", "Request params not supported");
  // An update is checked the same way and changes nothing.
  ExpectApiError(Put(owner_, "&taskId=0", R"("cronExpr":"* * * * * ?")"), 400, "6400017",
                 kInvalidCron);
  ExpectApiError(Put(owner_, "&taskId=0", R"("code":{"cmdId":2,"power":9})"), 400, "6400017",
                 "Invalid Param code");

  HttpResult left = List(owner_);
  EXPECT_EQ(TaskIds(left), IdList({"0"}));
  EXPECT_EQ(StringField(left.body, "/0/cronExpr"), "0 * * * * ?");
  EXPECT_EQ(Field(left.body, "/0/code"), kPowerOn);
}

TEST_F(SchedulerApiTest, AProductWithoutSchedulingRefusesTasks) {
  admin_.Ok({"product", "update", "--product", kDemoMid, "--supports-scheduler", "false"});
  ASSERT_TRUE(Start());
  ExpectApiError(Create(owner_, Task("x", kGeneric)), 400, "6400025", "Scheduler not supported");
  ExpectApiError(Put(owner_, "", Task("x", kGeneric)), 400, "6400025", "Scheduler not supported");
  EXPECT_EQ(List(owner_).body, "[]");
  EXPECT_EQ(Count(owner_).body, R"({"count":0,"limit":10})");
}

TEST_F(SchedulerApiTest, DeviceChecks) {
  ASSERT_TRUE(Start());
  ASSERT_EQ(Create(owner_, Task("mine", kGeneric)).status, 200);

  // No devTid (neither in the query nor in the body).
  ExpectApiError(api_.AsUser(owner_, "POST", "/rule/schedulerTask",
                             R"({"ctrlKey":")" + key_ + "\"," + Task("x", kGeneric) + "}"),
                 400, "5400017", "devTid can not be empty");
  ExpectApiError(api_.AsUser(owner_, "GET", "/rule/schedulerTask?ctrlKey=" + key_), 400, "5400017",
                 "devTid can not be empty");
  // An unknown device.
  ExpectApiError(
      api_.AsUser(owner_, "POST", "/rule/schedulerTask",
                  R"({"devTid":"NOPE","ctrlKey":")" + key_ + "\"," + Task("x", kGeneric) + "}"),
      400, "6400004", "Device with given devTid does not exist");
  ExpectApiError(
      api_.AsUser(owner_, "GET", "/rule/schedulerTask/count?devTid=NOPE&ctrlKey=" + key_), 400,
      "6400004", "Device with given devTid does not exist");
  // A wrong ctrlKey.
  ExpectApiError(api_.AsUser(owner_, "POST", "/rule/schedulerTask",
                             std::string(R"({"devTid":")") + kDev + R"(","ctrlKey":"wrong",)" +
                                 Task("x", kGeneric, kPowerOff) + "}"),
                 400, "5400014", kNotOwned);
  ExpectApiError(api_.AsUser(owner_, "GET",
                             std::string("/rule/schedulerTask?devTid=") + kDev + "&ctrlKey=wrong"),
                 400, "5400014", kNotOwned);
  // A stranger with the right ctrlKey: neither write, read nor delete.
  ExpectApiError(Create(carol_, Task("x", kGeneric, kPowerOff)), 400, "5400014", kNotOwned);
  ExpectApiError(List(carol_), 400, "5400014", kNotOwned);
  ExpectApiError(Count(carol_), 400, "5400014", kNotOwned);
  ExpectApiError(Delete(carol_), 400, "5400014", kNotOwned);
  ExpectApiError(api_.AsUser(carol_, "GET", "/rule/schedulerTask/history?" + Device()), 400,
                 "5400014", kNotOwned);

  EXPECT_EQ(OwnerIds(), IdList({"0"}));
}

TEST_F(SchedulerApiTest, GranteesOfAnAllShare) {
  ASSERT_TRUE(Start());
  ASSERT_EQ(Create(owner_, Task("owner's", kGeneric)).status, 200);

  // A share without scheduling: the grantee may list (nothing) but not write.
  Share(bob_uid_, R"("mode":"ALL","enableScheduler":false)");
  ExpectApiError(Create(bob_, Task("bob's", kGeneric)), 400, "6400016", "Has no privilege do that");
  ExpectApiError(Put(bob_, "", Task("bob's", kGeneric)), 400, "6400016",
                 "Has no privilege do that");
  EXPECT_EQ(List(bob_).body, "[]");

  // With scheduling: the grantee's own tasks (the same cron and command as the owner's
  // is no duplicate), numbered from 0; each sees only their own.
  ASSERT_EQ(api_.AsUser(owner_, "PUT", "/authorization",
                        R"({"grantee":")" + bob_uid_ + R"(","devTid":")" + kDev +
                            R"(","ctrlKey":")" + key_ + R"(","mode":"ALL","enableScheduler":true})")
                .status,
            204);
  HttpResult bobs = Create(bob_, Task("bob's", kGeneric));
  ASSERT_EQ(bobs.status, 200) << bobs.body;
  EXPECT_EQ(TaskIds(bobs), IdList({"0"}));
  EXPECT_EQ(StringField(bobs.body, "/0/uid"), bob_uid_);
  EXPECT_EQ(StringField(bobs.body, "/0/taskName"), "bob's");
  HttpResult owners = List(owner_);
  EXPECT_EQ(StringFields(owners.body, "/uid"), std::vector<std::string>({owner_uid_}));
  EXPECT_EQ(StringFields(owners.body, "/taskName"), std::vector<std::string>({"owner's"}));
  EXPECT_EQ(StringFields(List(bob_).body, "/uid"), std::vector<std::string>({bob_uid_}));
  EXPECT_EQ(Count(bob_).body, R"({"count":1,"limit":10})");
  // The owner cannot touch the grantee's task by its id, nor the grantee the owner's.
  AdvanceClock(1000);
  ASSERT_EQ(Create(bob_, Task("bob's 2", kGeneric, kPowerOff)).status, 200);
  ExpectApiError(Delete(owner_, "&taskId=1"), 400, "6400012", kNoSuchTask);
  EXPECT_EQ(TaskIds(List(bob_)), IdList({"1", "0"}));

  std::vector<std::string> lines = AdminTasks();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(StringField(lines[0], "/uid"), owner_uid_);
  EXPECT_EQ(StringField(lines[1], "/uid"), bob_uid_);
  EXPECT_EQ(StringField(lines[2], "/uid"), bob_uid_);

  // Revoking the share deletes the grantee's tasks, not the owner's.
  ASSERT_EQ(api_.AsUser(owner_, "DELETE",
                        std::string("/authorization?devTid=") + kDev + "&grantee=" + bob_uid_)
                .status,
            204);
  lines = AdminTasks();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(StringField(lines[0], "/uid"), owner_uid_);
  ExpectApiError(List(bob_), 400, "5400014", kNotOwned);
  EXPECT_EQ(OwnerIds(), IdList({"0"}));
}

TEST_F(SchedulerApiTest, GranteesOfAPartialShare) {
  ASSERT_TRUE(Start());
  constexpr const char* kQuery = R"({"cmdId":0})";
  constexpr const char* kNotGranted = "No permission to access the instruction";
  constexpr const char* kDaily = R"("schedulerType":"GENERIC","cronExpr":"0 0 8 * * ?")";

  // bob holds setPower only (never expiring): queryDev, by cmdId or cmdTag, is refused.
  Share(bob_uid_, R"("mode":"PARTIAL","instructionExpire":{"setPower":0},"enableScheduler":true)");
  ExpectApiError(Create(bob_, Task("query", kDaily, kQuery)), 400, "5400026", kNotGranted);
  ExpectApiError(Create(bob_, Task("query", kDaily, R"({"cmdTag":"queryDev"})")), 400, "5400026",
                 kNotGranted);
  EXPECT_EQ(List(bob_).body, "[]");
  HttpResult granted = Create(bob_, Task("power", kDaily));
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(TaskIds(granted), IdList({"0"}));
  // Nor may an edit switch to an ungranted command.
  ExpectApiError(Put(bob_, "&taskId=0", R"("code":)" + std::string(kQuery)), 400, "5400026",
                 kNotGranted);
  EXPECT_EQ(Field(List(bob_).body, "/0/code"), kPowerOn);
  EXPECT_EQ(List(owner_).body, "[]");
}

// A share's instruction expiry is real time (the share is written with the server's
// clock, and the hub refuses the instruction after it): the scheduler clock is left where
// --test-clock started it (the real time at start-up) and the test waits 1.2 s.
TEST_F(SchedulerApiTest, AnExpiredInstructionIsRefused) {
  ASSERT_TRUE(Start({}, /*set_clock=*/false));
  constexpr const char* kDaily = R"("schedulerType":"GENERIC","cronExpr":"0 0 9 * * ?")";
  // carol holds setPower for one second, bob for ever; dave the whole device for one
  // second.
  std::string dave_uid = admin_.CreateUser("dave@example.com", "dave-secret");
  std::string dave = api_.Login("dave@example.com", "dave-secret");
  Share(dave_uid, R"("mode":"ALL","expire":1,"enableScheduler":true)");
  Share(carol_uid_,
        R"("mode":"PARTIAL","instructionExpire":{"setPower":1},"enableScheduler":true)");
  Share(bob_uid_, R"("mode":"PARTIAL","instructionExpire":{"setPower":0},"enableScheduler":true)");
  std::this_thread::sleep_for(1200ms);
  ExpectApiError(Create(carol_, Task("power", kDaily)), 400, "5400019", "Instruction expired");
  ExpectApiError(
      Put(carol_, "", Task("power", R"("schedulerType":"GENERIC","cronExpr":"0 0 10 * * ?")")), 400,
      "5400019", "Instruction expired");
  EXPECT_EQ(List(carol_).body, "[]");
  EXPECT_EQ(TaskIds(Create(bob_, Task("power", kDaily))), IdList({"0"}));
  // An expired share is no share (5400014), as the hub also treats it.
  ExpectApiError(Create(dave, Task("power", kDaily)), 400, "5400014", kNotOwned);
  ExpectApiError(List(dave), 400, "5400014", kNotOwned);
}

TEST_F(SchedulerApiTest, HistoryOfAFreshTask) {
  ASSERT_TRUE(Start());
  ASSERT_EQ(Create(owner_, Task("t", kGeneric)).status, 200);
  HttpResult one =
      api_.AsUser(owner_, "GET", "/rule/schedulerTask/history?" + Device() + "&taskId=0");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, "[]");
  HttpResult all = api_.AsUser(owner_, "GET", "/rule/schedulerTask/history?" + Device());
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body, "[]");
  ExpectApiError(
      api_.AsUser(owner_, "GET", "/rule/schedulerTask/history?" + Device() + "&taskId=3"), 400,
      "5400035", "TaskId does not exist");
}

TEST_F(SchedulerApiTest, AdminTaskListPrintsEachTask) {
  ASSERT_TRUE(Start());
  ASSERT_EQ(Create(owner_, Task("once", R"("schedulerType":"ONCE",)"
                                        R"("triggerDateTime":"2030-01-05T10:00:00")"))
                .status,
            200);
  ASSERT_EQ(Create(owner_, Task("generic", kGeneric, kPowerOff)).status, 200);

  std::vector<std::string> lines = AdminTasks();
  ASSERT_EQ(lines.size(), 2u);
  const std::string* once = nullptr;
  for (const auto& line : lines) {
    EXPECT_EQ(StringField(line, "/uid"), owner_uid_) << line;
    EXPECT_EQ(StringField(line, "/devTid"), kDev) << line;
    EXPECT_EQ(Field(line, "/count"), "0") << line;
    EXPECT_NE(Field(line, "/nextTriggerTime"), "<absent>") << line;
    if (Field(line, "/taskId") == "0") once = &line;
  }
  ASSERT_NE(once, nullptr);
  EXPECT_EQ(StringField(*once, "/cronExpr"), "0 0 10 5 1 ? 2030");
  EXPECT_EQ(Field(*once, "/code"), kPowerOn);
  // The ONCE task's instant does not depend on the clock it is computed from.
  EXPECT_EQ(Field(*once, "/nextTriggerTime"), "1893808800000");

  ExpectCliFailure(admin_.Run({"task", "list", "--dev-tid", "NOPE"}), "no such device: NOPE");
}

}  // namespace
}  // namespace krypton::testing
