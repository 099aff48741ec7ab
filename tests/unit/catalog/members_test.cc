#include "catalog/members.h"

#include <gtest/gtest.h>

namespace krypton::catalog {
namespace {

constexpr const char* kAcme = "12345678901";

class MembersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::OpenStore({":memory:", 1000});
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened).value();
    storage::Manufacturer m;
    m.pid = kAcme;
    m.name = "Acme";
    ASSERT_TRUE(store_->UpsertManufacturer(m).ok());
    for (const char* uid : {"1", "2", "3"}) {
      storage::User u;
      u.uid = uid;
      u.pid = uid == std::string("3") ? "00000000000" : kAcme;
      u.email = std::string("u") + uid + "@example.com";
      u.password_hash = "x";
      ASSERT_TRUE(store_->CreateUser(u).ok());
    }
  }
  std::unique_ptr<storage::Store> store_;
};

TEST_F(MembersTest, RolesParseExactly) {
  EXPECT_EQ(ParseRole("ADMIN"), Role::kAdmin);
  EXPECT_EQ(ParseRole("DEVELOPER"), Role::kDeveloper);
  EXPECT_EQ(ParseRole("VIEWER"), Role::kViewer);
  for (const char* bad : {"", "admin", "OWNER", "ADMIN "}) EXPECT_FALSE(ParseRole(bad)) << bad;
}

TEST_F(MembersTest, PutChangesTheRoleAndKeepsTheCreationTime) {
  auto a = PutMember(*store_, kAcme, "1", "VIEWER", 100);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->role, Role::kViewer);
  EXPECT_EQ(a->email, "u1@example.com");
  auto b = PutMember(*store_, kAcme, "1", "DEVELOPER", 200);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->role, Role::kDeveloper);
  EXPECT_EQ(b->created_at_ms, 100);
  auto list = ListMembers(*store_, kAcme);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  auto of = MembershipsOf(*store_, "1");
  ASSERT_TRUE(of.ok());
  ASSERT_EQ(of->size(), 1u);
  EXPECT_EQ((*of)[0].pid, kAcme);
}

TEST_F(MembersTest, Refusals) {
  EXPECT_EQ(PutMember(*store_, kAcme, "1", "OWNER", 1).status().code(), Code::kEntIllegalArgument);
  EXPECT_EQ(PutMember(*store_, "99999999999", "1", "VIEWER", 1).status().code(),
            Code::kEntPidNotExist);
  EXPECT_EQ(PutMember(*store_, kAcme, "nobody", "VIEWER", 1).status().code(), Code::kUserNotExist);
  EXPECT_EQ(RemoveMember(*store_, kAcme, "2").code(), Code::kUserNotExist);
  EXPECT_EQ(ListMembers(*store_, "99999999999").status().code(), Code::kEntPidNotExist);
}

TEST_F(MembersTest, TheLastAdminStays) {
  ASSERT_TRUE(PutMember(*store_, kAcme, "1", "ADMIN", 1).ok());
  EXPECT_EQ(PutMember(*store_, kAcme, "1", "VIEWER", 2).status().code(), Code::kEntIllegalArgument);
  EXPECT_EQ(RemoveMember(*store_, kAcme, "1").code(), Code::kEntIllegalArgument);
  ASSERT_TRUE(PutMember(*store_, kAcme, "2", "ADMIN", 3).ok());
  EXPECT_TRUE(PutMember(*store_, kAcme, "1", "VIEWER", 4).ok());
  EXPECT_EQ(RemoveMember(*store_, kAcme, "2").code(), Code::kEntIllegalArgument);
  EXPECT_TRUE(RemoveMember(*store_, kAcme, "1").ok());
  auto list = ListMembers(*store_, kAcme);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].uid, "2");
}

TEST_F(MembersTest, AnEmailNamesTheEnterprisesAccountThenThePublicOne) {
  auto own = FindMemberAccount(*store_, kAcme, "U1@example.com");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->uid, "1");
  auto pub = FindMemberAccount(*store_, kAcme, "u3@example.com");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->uid, "3");
  EXPECT_EQ(FindMemberAccount(*store_, kAcme, "ghost@example.com").status().code(),
            Code::kUserNotExist);
  EXPECT_EQ(FindMemberAccount(*store_, kAcme, "").status().code(), Code::kEntIllegalArgument);
}

}  // namespace
}  // namespace krypton::catalog
