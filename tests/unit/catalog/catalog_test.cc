// The product-status and device-authentication enums of catalog/catalog.h: names and
// parsing round-trip, and only the exact upper-case names parse.
#include "catalog/catalog.h"

#include <gtest/gtest.h>

namespace krypton::catalog {
namespace {

TEST(CatalogEnumsTest, ProductStatusNamesRoundTrip) {
  for (ProductStatus s :
       {ProductStatus::kUnpublished, ProductStatus::kPublished, ProductStatus::kDiscontinued}) {
    EXPECT_EQ(ParseProductStatus(ProductStatusName(s)), s);
  }
  EXPECT_EQ(ProductStatusName(ProductStatus::kUnpublished), "UNPUBLISHED");
  EXPECT_EQ(ProductStatusName(ProductStatus::kPublished), "PUBLISHED");
  EXPECT_EQ(ProductStatusName(ProductStatus::kDiscontinued), "DISCONTINUED");
  EXPECT_EQ(ParseProductStatus("published"), std::nullopt);
  EXPECT_EQ(ParseProductStatus(""), std::nullopt);
  storage::Product p;
  p.status = "DISCONTINUED";
  EXPECT_EQ(ProductStatusOf(p), ProductStatus::kDiscontinued);
}

TEST(CatalogEnumsTest, DeviceAuthNamesRoundTrip) {
  for (DeviceAuth a : {DeviceAuth::kProdKey, DeviceAuth::kAuthKey, DeviceAuth::kLicense}) {
    EXPECT_EQ(ParseDeviceAuth(DeviceAuthName(a)), a);
    EXPECT_TRUE(IsDeviceAuth(DeviceAuthName(a)));
  }
  EXPECT_EQ(DeviceAuthName(DeviceAuth::kProdKey), "PRODKEY");
  EXPECT_EQ(DeviceAuthName(DeviceAuth::kAuthKey), "AUTHKEY");
  EXPECT_EQ(DeviceAuthName(DeviceAuth::kLicense), "LICENSE");
  EXPECT_EQ(ParseDeviceAuth("License"), std::nullopt);
  EXPECT_FALSE(IsDeviceAuth("TOKEN"));
  storage::Product p;  // the store's default
  EXPECT_EQ(DeviceAuthOf(p), DeviceAuth::kProdKey);
}

}  // namespace
}  // namespace krypton::catalog
