// Black-box: folders (user-api.md §5.2) — create, list, rename, delete, moving devices in
// and out (one or a batch), the D12 limits (128 folders per user, 512 devices per folder,
// root included) and the folderId of GET /device.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

class FoldersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    CommandResult demo = RunKrypton({"admin", "demo", "--data-dir", dir_, "--json"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    demo_uid_ = StringField(demo.out, "/uid");
    CommandResult bob = RunKrypton({"admin", "user", "create", "--data-dir", dir_, "--json",
                                    "--email", "bob@example.com", "--password", "bob-secret"});
    ASSERT_EQ(bob.exit_code, 0) << bob.err;
    ServerProcess::Options o;
    o.data_dir = dir_;
    std::string error;
    server_ = ServerProcess::Start(o, &error);
    ASSERT_NE(server_, nullptr) << error;
    demo_ = Token("demo@krypton.local", StringField(demo.out, "/password"));
    bob_ = Token("bob@example.com", "bob-secret");
  }

  std::string Token(const std::string& user, const std::string& pw) {
    HttpResult r = HttpRequest(server_->port("http"), "POST", "/login",
                               R"({"username":")" + user + R"(","password":")" + pw + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return StringField(r.body, "/access_token");
  }
  HttpResult Call(const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body = "") {
    return HttpRequest(server_->port("http"), method, path, body,
                       {{"Authorization", "Bearer " + token}});
  }
  // A 400 with this code and desc ("" = code only).
  static void ExpectError(const HttpResult& r, int code, const std::string& desc = "") {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(Field(r.body, "/code"), std::to_string(code)) << r.body;
    if (!desc.empty()) {
      EXPECT_EQ(StringField(r.body, "/desc"), desc) << r.body;
    }
  }
  // Creates a folder of `token`'s user; returns its id.
  std::string Folder(const std::string& token, const std::string& name) {
    HttpResult r = Call("POST", "/folder", token, R"({"folderName":")" + name + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return StringField(r.body, "/folderId");
  }
  // A device of the demo socket, online on `dev` and bound over HTTP by `token`; returns
  // its ctrlKey.
  std::string BoundDevice(LineClient& dev, const std::string& dev_tid, const std::string& token) {
    auto login = dev.Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid +
                          R"(","prodKey":"xxxxxx","token":""}})");
    EXPECT_TRUE(login.has_value());
    HttpResult bound = Call("POST", "/device", token,
                            R"({"devTid":")" + dev_tid + R"(","bindKey":")" +
                                StringField(login.value_or(""), "/params/bindKey") + "\"}");
    EXPECT_EQ(bound.status, 201) << bound.body;
    return StringField(login.value_or(""), "/params/ctrlKey");
  }
  // The folderId GET /device reports for `dev_tid`.
  std::string FolderOf(const std::string& token, const std::string& dev_tid) {
    return StringField(Call("GET", "/device?devTid=" + dev_tid, token).body, "/0/folderId");
  }
  // The devTidList of one folder as minified JSON.
  std::string DevTids(const std::string& token, const std::string& folder_id) {
    return Field(Call("GET", "/folder?folderId=" + folder_id, token).body, "/0/devTidList");
  }
  static std::string Item(const std::string& dev_tid, const std::string& ctrl_key) {
    return R"({"devTid":")" + dev_tid + R"(","ctrlKey":")" + ctrl_key + "\"}";
  }

  std::string dir_, demo_uid_, demo_, bob_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(FoldersTest, CreateListRenameDelete) {
  EXPECT_EQ(HttpRequest(server_->port("http"), "POST", "/folder", R"({"folderName":"a"})").status,
            403);
  EXPECT_EQ(Field(Call("GET", "/folder", "garbage").body, "/code"), "3400015");

  HttpResult made = Call("POST", "/folder", demo_, R"({"folderName":"客厅"})");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string living = StringField(made.body, "/folderId");
  ASSERT_FALSE(living.empty());
  EXPECT_NE(living, "0");
  EXPECT_EQ(made.body, R"({"folderId":")" + living + R"(","folderName":"客厅","devTidList":[]})");
  std::string kitchen = Folder(demo_, "Kitchen2");
  EXPECT_NE(kitchen, living);

  ExpectError(Call("POST", "/folder", demo_, R"({"folderName":"客厅"})"), 6400006,
              "Can not create duplicate template folder");
  ExpectError(Call("POST", "/folder", demo_, R"({"folderName":"root"})"), 6400006);
  for (const std::string& bad :
       {std::string(R"({"folderName":""})"), std::string(R"({"folderName":"a b"})"),
        std::string(R"({"folderName":"a-b"})"), std::string(R"({"folderName":"客厅!"})"),
        std::string(R"({"folderName":"é"})"), std::string(R"({"folderName":7})"),
        std::string(R"({"name":"x"})"), R"({"folderName":")" + std::string(129, 'x') + "\"}"}) {
    ExpectError(Call("POST", "/folder", demo_, bad), 6400017, "Invalid Param folderName");
  }
  std::string han129;
  for (int i = 0; i < 129; ++i) han129 += "中";
  ExpectError(Call("POST", "/folder", demo_, R"({"folderName":")" + han129 + "\"}"), 6400017);
  ExpectError(Call("POST", "/folder", demo_, "not json"), 6400024);
  std::string long_name = Folder(demo_, std::string(128, 'x'));  // 128 characters are fine
  std::string han128 = Folder(demo_, han129.substr(3));          // also in Chinese
  EXPECT_FALSE(han128.empty());
  // Bob has his own namespace.
  EXPECT_EQ(Call("POST", "/folder", bob_, R"({"folderName":"客厅"})").status, 201);

  // List: root first, then by creation.
  HttpResult list = Call("GET", "/folder", demo_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Field(list.body, "/0"), R"({"folderId":"0","folderName":"root","devTidList":[]})");
  EXPECT_EQ(StringField(list.body, "/1/folderId"), living);
  EXPECT_EQ(StringField(list.body, "/1/folderName"), "客厅");
  EXPECT_EQ(StringField(list.body, "/2/folderId"), kitchen);
  EXPECT_EQ(StringField(list.body, "/3/folderId"), long_name);
  EXPECT_EQ(StringField(list.body, "/4/folderId"), han128);
  EXPECT_EQ(Field(list.body, "/5"), "<absent>");
  HttpResult some = Call("GET", "/folder?folderId=" + kitchen + ",0,nope", demo_);
  EXPECT_EQ(StringField(some.body, "/0/folderId"), "0");
  EXPECT_EQ(StringField(some.body, "/1/folderId"), kitchen);
  EXPECT_EQ(Field(some.body, "/2"), "<absent>");
  HttpResult paged = Call("GET", "/folder?page=1&size=2", demo_);
  EXPECT_EQ(StringField(paged.body, "/0/folderId"), kitchen);
  EXPECT_EQ(StringField(paged.body, "/1/folderId"), long_name);
  EXPECT_EQ(Field(paged.body, "/2"), "<absent>");
  EXPECT_EQ(Call("GET", "/folder?page=9&size=20", demo_).body, "[]");
  HttpResult bobs = Call("GET", "/folder", bob_);
  EXPECT_EQ(StringField(bobs.body, "/0/folderId"), "0");
  EXPECT_EQ(StringField(bobs.body, "/1/folderName"), "客厅");
  EXPECT_EQ(Field(bobs.body, "/2"), "<absent>");

  // Rename.
  HttpResult renamed = Call("PUT", "/folder/" + living, demo_, R"({"newFolderName":"Bedroom1"})");
  EXPECT_EQ(renamed.status, 204) << renamed.body;
  EXPECT_EQ(renamed.body, "");
  EXPECT_EQ(StringField(Call("GET", "/folder?folderId=" + living, demo_).body, "/0/folderName"),
            "Bedroom1");
  EXPECT_EQ(Call("PUT", "/folder/" + living, demo_, R"({"newFolderName":"Bedroom1"})").status, 204);
  ExpectError(Call("PUT", "/folder/0", demo_, R"({"newFolderName":"x"})"), 6400010,
              "Can not rename root folder");
  ExpectError(Call("PUT", "/folder/nope", demo_, R"({"newFolderName":"x"})"), 6400007,
              "Folder with given id does not exist");
  ExpectError(Call("PUT", "/folder/" + living, bob_, R"({"newFolderName":"x"})"), 6400007);
  ExpectError(Call("PUT", "/folder/" + living, demo_, R"({"newFolderName":"Kitchen2"})"), 6400006,
              "Can not create duplicate template folder");
  ExpectError(Call("PUT", "/folder/" + living, demo_, R"({"newFolderName":"root"})"), 6400006);
  ExpectError(Call("PUT", "/folder/" + living, demo_, R"({"newFolderName":"a/b"})"), 6400017,
              "Invalid Param newFolderName");
  ExpectError(Call("PUT", "/folder/" + living, demo_, R"({"folderName":"x"})"), 6400017,
              "Invalid Param newFolderName");
  ExpectError(Call("PUT", "/folder/" + living, demo_, "[1]"), 6400024);
  EXPECT_EQ(Call("PUT", "/folder/" + living, "garbage", R"({"newFolderName":"x"})").status, 403);

  // Delete one, then all.
  ExpectError(Call("DELETE", "/folder/0", demo_), 6400009, "Can not remove root folder");
  ExpectError(Call("DELETE", "/folder/nope", demo_), 6400007,
              "Folder with given id does not exist");
  ExpectError(Call("DELETE", "/folder/" + kitchen, bob_), 6400007);
  EXPECT_EQ(Call("DELETE", "/folder/" + kitchen, demo_).status, 204);
  ExpectError(Call("DELETE", "/folder/" + kitchen, demo_), 6400007);
  EXPECT_EQ(Field(Call("GET", "/folder", demo_).body, "/4"), "<absent>");
  EXPECT_EQ(Call("POST", "/folder", demo_, R"({"folderName":"Kitchen2"})").status,
            201);  // free again
  EXPECT_EQ(Call("DELETE", "/folder", demo_).status, 204);
  EXPECT_EQ(Call("GET", "/folder", demo_).body,
            R"([{"folderId":"0","folderName":"root","devTidList":[]}])");
  EXPECT_EQ(Call("DELETE", "/folder", demo_).status, 204);  // nothing left: still fine
  EXPECT_EQ(StringField(Call("GET", "/folder", bob_).body, "/1/folderName"), "客厅");
  EXPECT_EQ(Call("DELETE", "/folder", "garbage").status, 403);
}

TEST_F(FoldersTest, AUserHasAtMost128Folders) {
  std::string first;
  for (int i = 1; i <= 128; ++i) {
    HttpResult r =
        Call("POST", "/folder", demo_, R"({"folderName":"F)" + std::to_string(i) + "\"}");
    ASSERT_EQ(r.status, 201) << i << ": " << r.body;
    if (i == 1) first = StringField(r.body, "/folderId");
  }
  ExpectError(Call("POST", "/folder", demo_, R"({"folderName":"F129"})"), 6400008,
              "Reached the maximum number of folder the user can create");
  HttpResult all = Call("GET", "/folder?size=200", demo_);
  EXPECT_NE(Field(all.body, "/128"), "<absent>");  // root + 128
  EXPECT_EQ(Field(all.body, "/129"), "<absent>");
  EXPECT_EQ(Call("POST", "/folder", bob_, R"({"folderName":"F129"})").status, 201);
  EXPECT_EQ(Call("DELETE", "/folder/" + first, demo_).status, 204);
  EXPECT_EQ(Call("POST", "/folder", demo_, R"({"folderName":"F129"})").status, 201);
  ExpectError(Call("POST", "/folder", demo_, R"({"folderName":"F130"})"), 6400008);
}

TEST_F(FoldersTest, MoveDevicesInAndOut) {
  LineClient d1(server_->port("device")), d2(server_->port("device")), d3(server_->port("device")),
      d4(server_->port("device"));
  std::string k1 = BoundDevice(d1, "FD1", demo_), k2 = BoundDevice(d2, "FD2", demo_);
  std::string k3 = BoundDevice(d3, "FD3", bob_), k4 = BoundDevice(d4, "FD4", bob_);
  std::string a = Folder(demo_, "A"), b = Folder(demo_, "B");
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD1","FD2"])");
  EXPECT_EQ(FolderOf(demo_, "FD1"), "0");

  // One device.
  HttpResult moved = Call("POST", "/folder/" + a, demo_, Item("FD1", k1));
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(moved.body, R"({"folderId":")" + a + R"(","folderName":"A","devTidList":["FD1"]})");
  EXPECT_EQ(Call("POST", "/folder/" + a, demo_, Item("FD1", k1)).status, 201);  // already there
  ExpectError(Call("POST", "/folder/nope", demo_, Item("FD1", k1)), 6400007,
              "Folder with given id does not exist");
  ExpectError(Call("POST", "/folder/" + a, bob_, Item("FD3", k3)), 6400007);  // demo's folder
  ExpectError(Call("POST", "/folder/" + a, demo_, Item("NOPE", "x")), 6400004,
              "Device with given devTid does not exist");
  ExpectError(Call("POST", "/folder/" + a, demo_, R"({"ctrlKey":"x"})"), 6400004);
  ExpectError(Call("POST", "/folder/" + a, demo_, Item("FD2", "wrong")), 5400014,
              "Device does not belong to user");
  ExpectError(Call("POST", "/folder/" + a, demo_, R"({"devTid":"FD2"})"), 5400014);
  ExpectError(Call("POST", "/folder/" + a, demo_, Item("FD3", k3)), 5400014);  // bob's
  ExpectError(Call("POST", "/folder/" + a, demo_, "nope"), 6400024);
  ExpectError(Call("POST", "/folder/" + a, demo_, "42"), 6400024);
  EXPECT_EQ(Call("POST", "/folder/" + a, "garbage", Item("FD1", k1)).status, 403);

  // A grantee files a shared device in its own folders; the owner's stay untouched.
  auto share = [&](const std::string& dev_tid, const std::string& key, const std::string& extra) {
    HttpResult r = Call("POST", "/authorization", bob_,
                        R"({"grantee":")" + demo_uid_ + R"(","devTid":")" + dev_tid +
                            R"(","ctrlKey":")" + key + R"(","mode":"ALL")" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
  };
  share("FD3", k3, "");
  share("FD4", k4, R"(,"expire":2)");
  EXPECT_EQ(Call("POST", "/folder/" + a, demo_, Item("FD3", k3)).status, 201);
  EXPECT_EQ(DevTids(demo_, a), R"(["FD1","FD3"])");
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD2","FD4"])");
  EXPECT_EQ(FolderOf(demo_, "FD1"), a);
  EXPECT_EQ(FolderOf(demo_, "FD2"), "0");
  EXPECT_EQ(FolderOf(demo_, "FD3"), a);
  EXPECT_EQ(FolderOf(bob_, "FD3"), "0");
  EXPECT_EQ(DevTids(bob_, "0"), R"(["FD3","FD4"])");
  HttpResult devices = Call("GET", "/device", demo_);
  EXPECT_EQ(StringField(devices.body, "/0/devTid"), "FD1");
  EXPECT_EQ(StringField(devices.body, "/0/folderId"), a);
  EXPECT_EQ(StringField(devices.body, "/1/folderId"), "0");
  EXPECT_EQ(StringField(devices.body, "/2/folderId"), a);
  // An expired share no longer counts.
  std::this_thread::sleep_for(2100ms);
  ExpectError(Call("POST", "/folder/" + a, demo_, Item("FD4", k4)), 5400014);
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD2"])");

  // Batch form: per-item results.
  HttpResult batch =
      Call("POST", "/folder/" + b, demo_,
           "[" + Item("FD1", k1) + "," + Item("NOPE", "x") + "," + Item("FD2", "wrong") + "," +
               Item("FD3", k3) + "," + Item("FD2", k2) + "," + Item("FD4", k4) + "]");
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.body,
            R"({"results":[{"devTid":"FD1","code":6200000,"desc":"Success"},)"
            R"({"devTid":"NOPE","code":6400004,"desc":"Device with given devTid does not exist"},)"
            R"({"devTid":"FD2","code":5400014,"desc":"Device does not belong to user"},)"
            R"({"devTid":"FD3","code":6200000,"desc":"Success"},)"
            R"({"devTid":"FD2","code":6200000,"desc":"Success"},)"
            R"({"devTid":"FD4","code":5400014,"desc":"Device does not belong to user"}],)"
            R"("success":3,"failure":3})");
  EXPECT_EQ(DevTids(demo_, b), R"(["FD1","FD2","FD3"])");
  EXPECT_EQ(DevTids(demo_, a), "[]");
  EXPECT_EQ(DevTids(demo_, "0"), "[]");
  EXPECT_EQ(Call("POST", "/folder/" + b, demo_, "[]").body,
            R"({"results":[],"success":0,"failure":0})");
  ExpectError(Call("POST", "/folder/nope", demo_, "[" + Item("FD1", k1) + "]"), 6400007,
              "Folder with given id does not exist");
  ExpectError(Call("POST", "/folder/" + a, demo_, "[" + Item("FD1", k1) + ",1]"), 6400024);
  EXPECT_EQ(DevTids(demo_, b), R"(["FD1","FD2","FD3"])");  // the bad batch moved nothing

  // Back to the root.
  ExpectError(Call("DELETE", "/folder/nope/FD1?ctrlKey=" + k1, demo_), 6400007,
              "Folder with given id does not exist");
  ExpectError(Call("DELETE", "/folder/" + b + "/FD1?ctrlKey=wrong", demo_), 5400014,
              "Device does not belong to user");
  ExpectError(Call("DELETE", "/folder/" + b + "/FD1", demo_), 5400014);
  ExpectError(Call("DELETE", "/folder/" + b + "/FD4?ctrlKey=" + k4, demo_), 5400014);
  ExpectError(Call("DELETE", "/folder/" + b + "/NOPE?ctrlKey=x", demo_), 6400004);
  EXPECT_EQ(Call("DELETE", "/folder/" + b + "/FD1?ctrlKey=" + k1, "garbage").status, 403);
  HttpResult out = Call("DELETE", "/folder/" + b + "/FD1?ctrlKey=" + k1, demo_);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD1"])");
  EXPECT_EQ(FolderOf(demo_, "FD1"), "0");
  // A device in another folder stays there; one already at the root too.
  EXPECT_EQ(Call("DELETE", "/folder/" + a + "/FD2?ctrlKey=" + k2, demo_).status, 204);
  EXPECT_EQ(Call("DELETE", "/folder/0/FD1?ctrlKey=" + k1, demo_).status, 204);
  EXPECT_EQ(DevTids(demo_, b), R"(["FD2","FD3"])");

  // POST to "0" moves to the root as well.
  HttpResult root = Call("POST", "/folder/0", demo_, Item("FD2", k2));
  ASSERT_EQ(root.status, 201) << root.body;
  EXPECT_EQ(root.body, R"({"folderId":"0","folderName":"root","devTidList":["FD1","FD2"]})");

  // Deleting a folder sends its devices to the root.
  EXPECT_EQ(Call("DELETE", "/folder/" + b, demo_).status, 204);
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD1","FD2","FD3"])");
  EXPECT_EQ(FolderOf(demo_, "FD3"), "0");
  EXPECT_EQ(Call("POST", "/folder/" + a, demo_, Item("FD3", k3)).status, 201);
  EXPECT_EQ(Call("DELETE", "/folder", demo_).status, 204);
  EXPECT_EQ(FolderOf(demo_, "FD3"), "0");
  EXPECT_EQ(Call("GET", "/folder", demo_).body,
            R"([{"folderId":"0","folderName":"root","devTidList":["FD1","FD2","FD3"]}])");
}

TEST_F(FoldersTest, AFolderHoldsAtMost512DevicesRootIncluded) {
  // 513 devices bound to demo (pre-registered, bound by the operator CLI).
  std::vector<std::string> args = {"admin", "device",    "import",      "--data-dir",
                                   dir_,    "--product", "DEMOSOCKET01"};
  std::vector<std::string> tids;
  for (int i = 1; i <= 513; ++i) {
    char tid[16];
    std::snprintf(tid, sizeof tid, "LIM%03d", i);
    tids.push_back(tid);
    args.push_back("--dev-tid");
    args.push_back(tid);
  }
  CommandResult imported = RunKrypton(args);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  args[2] = "bind";
  args[5] = "--uid";
  args[6] = demo_uid_;
  CommandResult bound = RunKrypton(args);
  ASSERT_EQ(bound.exit_code, 0) << bound.err;

  std::map<std::string, std::string> keys;  // devTid → ctrlKey, from GET /device
  for (int page = 0; keys.size() < 513 && page < 20; ++page) {
    HttpResult r = Call("GET", "/device?size=50&page=" + std::to_string(page), demo_);
    for (int i = 0; i < 50; ++i) {
      std::string at = "/" + std::to_string(i);
      std::string tid = StringField(r.body, (at + "/devTid").c_str());
      if (tid == "<absent>") break;
      keys[tid] = StringField(r.body, (at + "/ctrlKey").c_str());
    }
  }
  ASSERT_EQ(keys.size(), 513u);
  auto items = [&](size_t from, size_t to) {
    std::string body = "[";
    for (size_t i = from; i < to; ++i) {
      body += (i > from ? "," : "") + Item(tids[i], keys[tids[i]]);
    }
    return body + "]";
  };

  auto started = std::chrono::steady_clock::now();
  std::string full = Folder(demo_, "Full");
  HttpResult batch = Call("POST", "/folder/" + full, demo_, items(0, 513));
  ASSERT_EQ(batch.status, 200) << batch.body.substr(0, 300);
  EXPECT_EQ(Field(batch.body, "/success"), "512");
  EXPECT_EQ(Field(batch.body, "/failure"), "1");
  EXPECT_EQ(Field(batch.body, "/results/511/code"), "6200000");
  EXPECT_EQ(
      Field(batch.body, "/results/512"),
      R"({"devTid":"LIM513","code":6400005,"desc":"Reached the maximum number of device the folder can hold"})");
  ExpectError(Call("POST", "/folder/" + full, demo_, Item("LIM513", keys["LIM513"])), 6400005,
              "Reached the maximum number of device the folder can hold");
  HttpResult listed = Call("GET", "/folder?folderId=" + full, demo_);
  EXPECT_EQ(StringField(listed.body, "/0/devTidList/511"), "LIM512");
  EXPECT_EQ(Field(listed.body, "/0/devTidList/512"), "<absent>");
  EXPECT_EQ(FolderOf(demo_, "LIM001"), full);
  EXPECT_EQ(FolderOf(demo_, "LIM513"), "0");
  // Already in the folder: no room needed.
  EXPECT_EQ(Call("POST", "/folder/" + full, demo_, Item("LIM001", keys["LIM001"])).status, 201);

  // The root counts too: it holds LIM513; 511 more fit.
  HttpResult back = Call("POST", "/folder/0", demo_, items(0, 512));
  ASSERT_EQ(back.status, 200) << back.body.substr(0, 300);
  EXPECT_EQ(Field(back.body, "/success"), "511");
  EXPECT_EQ(Field(back.body, "/failure"), "1");
  EXPECT_EQ(Field(back.body, "/results/511/code"), "6400005");
  EXPECT_EQ(DevTids(demo_, full), R"(["LIM512"])");
  ExpectError(Call("POST", "/folder/0", demo_, Item("LIM512", keys["LIM512"])), 6400005);
  std::cout << "[          ] 512-device batches took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms\n";
}

}  // namespace
}  // namespace krypton::testing
