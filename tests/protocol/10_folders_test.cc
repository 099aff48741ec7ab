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

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

class FoldersTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    demo_uid_ = demo.uid;
    admin_.CreateUser("bob@example.com", "bob-secret");
    ASSERT_TRUE(Serve());
    demo_ = api_.Login("demo@krypton.local", demo.password);
    bob_ = api_.Login("bob@example.com", "bob-secret");
  }

  // Creates a folder of `token`'s user; returns its id.
  std::string Folder(const std::string& token, const std::string& name) {
    HttpResult r = api_.AsUser(token, "POST", "/folder", R"({"folderName":")" + name + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return StringField(r.body, "/folderId");
  }
  // The folderId GET /device reports for `dev_tid`.
  std::string FolderOf(const std::string& token, const std::string& dev_tid) {
    return StringField(api_.AsUser(token, "GET", "/device?devTid=" + dev_tid).body, "/0/folderId");
  }
  // The devTidList of one folder as minified JSON.
  std::string DevTids(const std::string& token, const std::string& folder_id) {
    return Field(api_.AsUser(token, "GET", "/folder?folderId=" + folder_id).body, "/0/devTidList");
  }
  static std::string Item(const std::string& dev_tid, const std::string& ctrl_key) {
    return R"({"devTid":")" + dev_tid + R"(","ctrlKey":")" + ctrl_key + "\"}";
  }

  std::string demo_uid_, demo_, bob_;
};

TEST_F(FoldersTest, CreateListRenameDelete) {
  EXPECT_EQ(api_.Post("/folder", R"({"folderName":"a"})").status, 403);
  EXPECT_EQ(Field(api_.AsUser("garbage", "GET", "/folder").body, "/code"), "3400015");

  HttpResult made = api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"客厅"})");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string living = StringField(made.body, "/folderId");
  ASSERT_FALSE(living.empty());
  EXPECT_NE(living, "0");
  EXPECT_EQ(made.body, R"({"folderId":")" + living + R"(","folderName":"客厅","devTidList":[]})");
  std::string kitchen = Folder(demo_, "Kitchen2");
  EXPECT_NE(kitchen, living);

  ExpectApiError(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"客厅"})"), 400, "6400006",
                 "Can not create duplicate template folder");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"root"})"), 400, "6400006");
  for (const std::string& bad :
       {std::string(R"({"folderName":""})"), std::string(R"({"folderName":"a b"})"),
        std::string(R"({"folderName":"a-b"})"), std::string(R"({"folderName":"客厅!"})"),
        std::string(R"({"folderName":"é"})"), std::string(R"({"folderName":7})"),
        std::string(R"({"name":"x"})"), R"({"folderName":")" + std::string(129, 'x') + "\"}"}) {
    ExpectApiError(api_.AsUser(demo_, "POST", "/folder", bad), 400, "6400017",
                   "Invalid Param folderName");
  }
  std::string han129;
  for (int i = 0; i < 129; ++i) han129 += "中";
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":")" + han129 + "\"}"), 400,
                "6400017");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder", "not json"), 400, "6400024");
  std::string long_name = Folder(demo_, std::string(128, 'x'));  // 128 characters are fine
  std::string han128 = Folder(demo_, han129.substr(3));          // also in Chinese
  EXPECT_FALSE(han128.empty());
  // Bob has his own namespace.
  EXPECT_EQ(api_.AsUser(bob_, "POST", "/folder", R"({"folderName":"客厅"})").status, 201);

  // List: root first, then by creation.
  HttpResult list = api_.AsUser(demo_, "GET", "/folder");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Field(list.body, "/0"), R"({"folderId":"0","folderName":"root","devTidList":[]})");
  EXPECT_EQ(StringField(list.body, "/1/folderId"), living);
  EXPECT_EQ(StringField(list.body, "/1/folderName"), "客厅");
  EXPECT_EQ(StringField(list.body, "/2/folderId"), kitchen);
  EXPECT_EQ(StringField(list.body, "/3/folderId"), long_name);
  EXPECT_EQ(StringField(list.body, "/4/folderId"), han128);
  EXPECT_EQ(Field(list.body, "/5"), "<absent>");
  HttpResult some = api_.AsUser(demo_, "GET", "/folder?folderId=" + kitchen + ",0,nope");
  EXPECT_EQ(StringField(some.body, "/0/folderId"), "0");
  EXPECT_EQ(StringField(some.body, "/1/folderId"), kitchen);
  EXPECT_EQ(Field(some.body, "/2"), "<absent>");
  HttpResult paged = api_.AsUser(demo_, "GET", "/folder?page=1&size=2");
  EXPECT_EQ(StringField(paged.body, "/0/folderId"), kitchen);
  EXPECT_EQ(StringField(paged.body, "/1/folderId"), long_name);
  EXPECT_EQ(Field(paged.body, "/2"), "<absent>");
  EXPECT_EQ(api_.AsUser(demo_, "GET", "/folder?page=9&size=20").body, "[]");
  HttpResult bobs = api_.AsUser(bob_, "GET", "/folder");
  EXPECT_EQ(StringField(bobs.body, "/0/folderId"), "0");
  EXPECT_EQ(StringField(bobs.body, "/1/folderName"), "客厅");
  EXPECT_EQ(Field(bobs.body, "/2"), "<absent>");

  // Rename.
  HttpResult renamed =
      api_.AsUser(demo_, "PUT", "/folder/" + living, R"({"newFolderName":"Bedroom1"})");
  EXPECT_EQ(renamed.status, 204) << renamed.body;
  EXPECT_EQ(renamed.body, "");
  EXPECT_EQ(
      StringField(api_.AsUser(demo_, "GET", "/folder?folderId=" + living).body, "/0/folderName"),
      "Bedroom1");
  EXPECT_EQ(
      api_.AsUser(demo_, "PUT", "/folder/" + living, R"({"newFolderName":"Bedroom1"})").status,
      204);
  ExpectApiError(api_.AsUser(demo_, "PUT", "/folder/0", R"({"newFolderName":"x"})"), 400, "6400010",
                 "Can not rename root folder");
  ExpectApiError(api_.AsUser(demo_, "PUT", "/folder/nope", R"({"newFolderName":"x"})"), 400,
                 "6400007", "Folder with given id does not exist");
  ExpectApiCode(api_.AsUser(bob_, "PUT", "/folder/" + living, R"({"newFolderName":"x"})"), 400,
                "6400007");
  ExpectApiError(api_.AsUser(demo_, "PUT", "/folder/" + living, R"({"newFolderName":"Kitchen2"})"),
                 400, "6400006", "Can not create duplicate template folder");
  ExpectApiCode(api_.AsUser(demo_, "PUT", "/folder/" + living, R"({"newFolderName":"root"})"), 400,
                "6400006");
  ExpectApiError(api_.AsUser(demo_, "PUT", "/folder/" + living, R"({"newFolderName":"a/b"})"), 400,
                 "6400017", "Invalid Param newFolderName");
  ExpectApiError(api_.AsUser(demo_, "PUT", "/folder/" + living, R"({"folderName":"x"})"), 400,
                 "6400017", "Invalid Param newFolderName");
  ExpectApiCode(api_.AsUser(demo_, "PUT", "/folder/" + living, "[1]"), 400, "6400024");
  EXPECT_EQ(api_.AsUser("garbage", "PUT", "/folder/" + living, R"({"newFolderName":"x"})").status,
            403);

  // Delete one, then all.
  ExpectApiError(api_.AsUser(demo_, "DELETE", "/folder/0"), 400, "6400009",
                 "Can not remove root folder");
  ExpectApiError(api_.AsUser(demo_, "DELETE", "/folder/nope"), 400, "6400007",
                 "Folder with given id does not exist");
  ExpectApiCode(api_.AsUser(bob_, "DELETE", "/folder/" + kitchen), 400, "6400007");
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder/" + kitchen).status, 204);
  ExpectApiCode(api_.AsUser(demo_, "DELETE", "/folder/" + kitchen), 400, "6400007");
  EXPECT_EQ(Field(api_.AsUser(demo_, "GET", "/folder").body, "/4"), "<absent>");
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"Kitchen2"})").status,
            201);  // free again
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder").status, 204);
  EXPECT_EQ(api_.AsUser(demo_, "GET", "/folder").body,
            R"([{"folderId":"0","folderName":"root","devTidList":[]}])");
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder").status, 204);  // nothing left: still fine
  EXPECT_EQ(StringField(api_.AsUser(bob_, "GET", "/folder").body, "/1/folderName"), "客厅");
  EXPECT_EQ(api_.AsUser("garbage", "DELETE", "/folder").status, 403);
}

TEST_F(FoldersTest, AUserHasAtMost128Folders) {
  std::string first;
  for (int i = 1; i <= 128; ++i) {
    HttpResult r =
        api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"F)" + std::to_string(i) + "\"}");
    ASSERT_EQ(r.status, 201) << i << ": " << r.body;
    if (i == 1) first = StringField(r.body, "/folderId");
  }
  ExpectApiError(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"F129"})"), 400, "6400008",
                 "Reached the maximum number of folder the user can create");
  HttpResult all = api_.AsUser(demo_, "GET", "/folder?size=200");
  EXPECT_NE(Field(all.body, "/128"), "<absent>");  // root + 128
  EXPECT_EQ(Field(all.body, "/129"), "<absent>");
  EXPECT_EQ(api_.AsUser(bob_, "POST", "/folder", R"({"folderName":"F129"})").status, 201);
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder/" + first).status, 204);
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"F129"})").status, 201);
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder", R"({"folderName":"F130"})"), 400, "6400008");
}

TEST_F(FoldersTest, MoveDevicesInAndOut) {
  LineClient d1(server_->port("device")), d2(server_->port("device")), d3(server_->port("device")),
      d4(server_->port("device"));
  std::string k1 = BindDemoDevice(d1, api_, demo_, "FD1"),
              k2 = BindDemoDevice(d2, api_, demo_, "FD2");
  std::string k3 = BindDemoDevice(d3, api_, bob_, "FD3"),
              k4 = BindDemoDevice(d4, api_, bob_, "FD4");
  std::string a = Folder(demo_, "A"), b = Folder(demo_, "B");
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD1","FD2"])");
  EXPECT_EQ(FolderOf(demo_, "FD1"), "0");

  // One device.
  HttpResult moved = api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD1", k1));
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(moved.body, R"({"folderId":")" + a + R"(","folderName":"A","devTidList":["FD1"]})");
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD1", k1)).status,
            201);  // already there
  ExpectApiError(api_.AsUser(demo_, "POST", "/folder/nope", Item("FD1", k1)), 400, "6400007",
                 "Folder with given id does not exist");
  ExpectApiCode(api_.AsUser(bob_, "POST", "/folder/" + a, Item("FD3", k3)), 400,
                "6400007");  // demo's folder
  ExpectApiError(api_.AsUser(demo_, "POST", "/folder/" + a, Item("NOPE", "x")), 400, "6400004",
                 "Device with given devTid does not exist");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, R"({"ctrlKey":"x"})"), 400, "6400004");
  ExpectApiError(api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD2", "wrong")), 400, "5400014",
                 "Device does not belong to user");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, R"({"devTid":"FD2"})"), 400, "5400014");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD3", k3)), 400,
                "5400014");  // bob's
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, "nope"), 400, "6400024");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, "42"), 400, "6400024");
  EXPECT_EQ(api_.AsUser("garbage", "POST", "/folder/" + a, Item("FD1", k1)).status, 403);

  // A grantee files a shared device in its own folders; the owner's stay untouched.
  auto share = [&](const std::string& dev_tid, const std::string& key, const std::string& extra) {
    HttpResult r = api_.AsUser(bob_, "POST", "/authorization",
                               R"({"grantee":")" + demo_uid_ + R"(","devTid":")" + dev_tid +
                                   R"(","ctrlKey":")" + key + R"(","mode":"ALL")" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
  };
  share("FD3", k3, "");
  share("FD4", k4, R"(,"expire":2)");
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD3", k3)).status, 201);
  EXPECT_EQ(DevTids(demo_, a), R"(["FD1","FD3"])");
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD2","FD4"])");
  EXPECT_EQ(FolderOf(demo_, "FD1"), a);
  EXPECT_EQ(FolderOf(demo_, "FD2"), "0");
  EXPECT_EQ(FolderOf(demo_, "FD3"), a);
  EXPECT_EQ(FolderOf(bob_, "FD3"), "0");
  EXPECT_EQ(DevTids(bob_, "0"), R"(["FD3","FD4"])");
  HttpResult devices = api_.AsUser(demo_, "GET", "/device");
  EXPECT_EQ(StringField(devices.body, "/0/devTid"), "FD1");
  EXPECT_EQ(StringField(devices.body, "/0/folderId"), a);
  EXPECT_EQ(StringField(devices.body, "/1/folderId"), "0");
  EXPECT_EQ(StringField(devices.body, "/2/folderId"), a);
  // An expired share no longer counts.
  std::this_thread::sleep_for(2100ms);
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD4", k4)), 400, "5400014");
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD2"])");

  // Batch form: per-item results.
  HttpResult batch =
      api_.AsUser(demo_, "POST", "/folder/" + b,
                  "[" + Item("FD1", k1) + "," + Item("NOPE", "x") + "," + Item("FD2", "wrong") +
                      "," + Item("FD3", k3) + "," + Item("FD2", k2) + "," + Item("FD4", k4) + "]");
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
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder/" + b, "[]").body,
            R"({"results":[],"success":0,"failure":0})");
  ExpectApiError(api_.AsUser(demo_, "POST", "/folder/nope", "[" + Item("FD1", k1) + "]"), 400,
                 "6400007", "Folder with given id does not exist");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/" + a, "[" + Item("FD1", k1) + ",1]"), 400,
                "6400024");
  EXPECT_EQ(DevTids(demo_, b), R"(["FD1","FD2","FD3"])");  // the bad batch moved nothing

  // Back to the root.
  ExpectApiError(api_.AsUser(demo_, "DELETE", "/folder/nope/FD1?ctrlKey=" + k1), 400, "6400007",
                 "Folder with given id does not exist");
  ExpectApiError(api_.AsUser(demo_, "DELETE", "/folder/" + b + "/FD1?ctrlKey=wrong"), 400,
                 "5400014", "Device does not belong to user");
  ExpectApiCode(api_.AsUser(demo_, "DELETE", "/folder/" + b + "/FD1"), 400, "5400014");
  ExpectApiCode(api_.AsUser(demo_, "DELETE", "/folder/" + b + "/FD4?ctrlKey=" + k4), 400,
                "5400014");
  ExpectApiCode(api_.AsUser(demo_, "DELETE", "/folder/" + b + "/NOPE?ctrlKey=x"), 400, "6400004");
  EXPECT_EQ(api_.AsUser("garbage", "DELETE", "/folder/" + b + "/FD1?ctrlKey=" + k1).status, 403);
  HttpResult out = api_.AsUser(demo_, "DELETE", "/folder/" + b + "/FD1?ctrlKey=" + k1);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD1"])");
  EXPECT_EQ(FolderOf(demo_, "FD1"), "0");
  // A device in another folder stays there; one already at the root too.
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder/" + a + "/FD2?ctrlKey=" + k2).status, 204);
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder/0/FD1?ctrlKey=" + k1).status, 204);
  EXPECT_EQ(DevTids(demo_, b), R"(["FD2","FD3"])");

  // POST to "0" moves to the root as well.
  HttpResult root = api_.AsUser(demo_, "POST", "/folder/0", Item("FD2", k2));
  ASSERT_EQ(root.status, 201) << root.body;
  EXPECT_EQ(root.body, R"({"folderId":"0","folderName":"root","devTidList":["FD1","FD2"]})");

  // Deleting a folder sends its devices to the root.
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder/" + b).status, 204);
  EXPECT_EQ(DevTids(demo_, "0"), R"(["FD1","FD2","FD3"])");
  EXPECT_EQ(FolderOf(demo_, "FD3"), "0");
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder/" + a, Item("FD3", k3)).status, 201);
  EXPECT_EQ(api_.AsUser(demo_, "DELETE", "/folder").status, 204);
  EXPECT_EQ(FolderOf(demo_, "FD3"), "0");
  EXPECT_EQ(api_.AsUser(demo_, "GET", "/folder").body,
            R"([{"folderId":"0","folderName":"root","devTidList":["FD1","FD2","FD3"]}])");
}

TEST_F(FoldersTest, AFolderHoldsAtMost512DevicesRootIncluded) {
  // 513 devices bound to demo (pre-registered, bound by the operator CLI).
  std::vector<std::string> args = {"device", "import", "--product", "DEMOSOCKET01"};
  std::vector<std::string> tids;
  for (int i = 1; i <= 513; ++i) {
    char tid[16];
    std::snprintf(tid, sizeof tid, "LIM%03d", i);
    tids.push_back(tid);
    args.push_back("--dev-tid");
    args.push_back(tid);
  }
  CommandResult imported = admin_.Run(args);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  args[1] = "bind";
  args[2] = "--uid";
  args[3] = demo_uid_;
  CommandResult bound = admin_.Run(args);
  ASSERT_EQ(bound.exit_code, 0) << bound.err;

  std::map<std::string, std::string> keys;  // devTid → ctrlKey, from GET /device
  for (int page = 0; keys.size() < 513 && page < 20; ++page) {
    HttpResult r = api_.AsUser(demo_, "GET", "/device?size=50&page=" + std::to_string(page));
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
  HttpResult batch = api_.AsUser(demo_, "POST", "/folder/" + full, items(0, 513));
  ASSERT_EQ(batch.status, 200) << batch.body.substr(0, 300);
  EXPECT_EQ(Field(batch.body, "/success"), "512");
  EXPECT_EQ(Field(batch.body, "/failure"), "1");
  EXPECT_EQ(Field(batch.body, "/results/511/code"), "6200000");
  EXPECT_EQ(
      Field(batch.body, "/results/512"),
      R"({"devTid":"LIM513","code":6400005,"desc":"Reached the maximum number of device the folder can hold"})");
  ExpectApiError(api_.AsUser(demo_, "POST", "/folder/" + full, Item("LIM513", keys["LIM513"])), 400,
                 "6400005", "Reached the maximum number of device the folder can hold");
  HttpResult listed = api_.AsUser(demo_, "GET", "/folder?folderId=" + full);
  EXPECT_EQ(StringField(listed.body, "/0/devTidList/511"), "LIM512");
  EXPECT_EQ(Field(listed.body, "/0/devTidList/512"), "<absent>");
  EXPECT_EQ(FolderOf(demo_, "LIM001"), full);
  EXPECT_EQ(FolderOf(demo_, "LIM513"), "0");
  // Already in the folder: no room needed.
  EXPECT_EQ(api_.AsUser(demo_, "POST", "/folder/" + full, Item("LIM001", keys["LIM001"])).status,
            201);

  // The root counts too: it holds LIM513; 511 more fit.
  HttpResult back = api_.AsUser(demo_, "POST", "/folder/0", items(0, 512));
  ASSERT_EQ(back.status, 200) << back.body.substr(0, 300);
  EXPECT_EQ(Field(back.body, "/success"), "511");
  EXPECT_EQ(Field(back.body, "/failure"), "1");
  EXPECT_EQ(Field(back.body, "/results/511/code"), "6400005");
  EXPECT_EQ(DevTids(demo_, full), R"(["LIM512"])");
  ExpectApiCode(api_.AsUser(demo_, "POST", "/folder/0", Item("LIM512", keys["LIM512"])), 400,
                "6400005");
  std::cout << "[          ] 512-device batches took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms\n";
}

}  // namespace
}  // namespace krypton::testing
