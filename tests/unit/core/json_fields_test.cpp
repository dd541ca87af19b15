// The non-throwing field readers every layer reads API objects with.
#include "harness/core/json_fields.h"

#include <gtest/gtest.h>

namespace kdrill::json {
namespace {

const Json kPod = Json::parse(R"({
  "metadata": {"name": "web-0", "labels": {"apps.kubernetes.io/pod-index": "0", "a~b": "tilde"}},
  "spec": {"containers": [{"name": "app"}, {"name": "sidecar"}], "replicas": "3"},
  "status": {"phase": 7, "restarts": 2}
})");

TEST(JsonFields, ReadsPresentFieldsOfTheRightType) {
  EXPECT_EQ(Str(kPod, "/metadata/name"), "web-0");
  EXPECT_EQ(Int(kPod, "/status/restarts"), 2);
  EXPECT_EQ(Arr(kPod, "/spec/containers").size(), 2u);
  EXPECT_EQ(Obj(kPod, "/metadata/labels").size(), 2u);
  EXPECT_EQ(Field(kPod["metadata"], "name"), "web-0");
}

TEST(JsonFields, EscapedTokensAndArrayIndexes) {
  EXPECT_EQ(Str(kPod, "/metadata/labels/apps.kubernetes.io~1pod-index"), "0");
  EXPECT_EQ(Str(kPod, "/metadata/labels/a~0b"), "tilde");
  EXPECT_EQ(Str(kPod, "/spec/containers/1/name"), "sidecar");
  EXPECT_TRUE(At(kPod, "/spec/containers/2").is_null());
  EXPECT_TRUE(At(kPod, "/spec/containers/x").is_null());
  EXPECT_TRUE(At(kPod, "/spec/containers/-1").is_null());
}

TEST(JsonFields, MistypedOrMissingFieldsReadAsTheFallbackNeverThrow) {
  EXPECT_EQ(Str(kPod, "/status/phase"), "");                // a number where a string belongs
  EXPECT_EQ(Int(kPod, "/spec/replicas", -1), -1);           // a string where an integer belongs
  EXPECT_EQ(Int(kPod, "/metadata/name/deeper", 5), 5);      // through a string
  EXPECT_TRUE(Arr(kPod, "/metadata/name").empty());
  EXPECT_TRUE(Obj(kPod, "/spec/containers").empty());
  EXPECT_TRUE(At(Json(), "/metadata").is_null());            // not an object at all
  EXPECT_TRUE(At(Json::array({1, 2}), "/metadata").is_null());
  EXPECT_EQ(Field(Json("text"), "name"), "");
  EXPECT_TRUE(At(kPod, "no-leading-slash").is_null());
  EXPECT_EQ(&At(kPod, ""), &kPod);                          // the empty pointer is the whole document
}

TEST(JsonFields, NumbersAndStringListsNeverThrowEither) {
  const Json j = Json::parse(R"({"seconds": 1.5, "whole": 3, "text": "2", "argv": ["sh", "-c"],
                                  "mixed": ["sh", 5], "notList": "sh"})");
  EXPECT_DOUBLE_EQ(Num(j, "/seconds"), 1.5);
  EXPECT_DOUBLE_EQ(Num(j, "/whole"), 3.0);
  EXPECT_DOUBLE_EQ(Num(j, "/text", -1), -1);   // a string where a number belongs
  EXPECT_DOUBLE_EQ(Num(j, "/absent", 7), 7);
  EXPECT_EQ(Strings(j, "/argv"), (std::vector<std::string>{"sh", "-c"}));
  EXPECT_TRUE(Strings(j, "/mixed").empty());   // one element of another type: no list
  EXPECT_TRUE(Strings(j, "/notList").empty());
  EXPECT_TRUE(Strings(Json(42), "/argv").empty());
}

}  // namespace
}  // namespace kdrill::json
