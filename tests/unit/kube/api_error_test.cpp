#include "harness/kube/api_error.h"

#include <gtest/gtest.h>

#include "harness/kube/api_path.h"

namespace kdrill::kube {
namespace {

std::string Status(int code, const std::string& reason, const std::string& message) {
  return nlohmann::json{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                        {"code", code}, {"reason", reason}, {"message", message}}
      .dump();
}

TEST(KubeApiErrorTest, MapsStatusObjectsToTypedErrors) {
  struct Case {
    int code;
    const char* reason;
    ErrorCode want;
  };
  for (const Case& c : std::initializer_list<Case>{
           {400, "BadRequest", ErrorCode::kInvalidArgument},
           {401, "Unauthorized", ErrorCode::kUnauthorized},
           {403, "Forbidden", ErrorCode::kForbidden},
           {404, "NotFound", ErrorCode::kNotFound},
           {409, "AlreadyExists", ErrorCode::kAlreadyExists},
           {409, "Conflict", ErrorCode::kConflict},
           {410, "Expired", ErrorCode::kGone},
           {422, "Invalid", ErrorCode::kInvalid},
           {429, "TooManyRequests", ErrorCode::kTooManyRequests},
           {500, "InternalError", ErrorCode::kServerError},
           {503, "ServiceUnavailable", ErrorCode::kServerError},
           {504, "Timeout", ErrorCode::kTimeout},
       }) {
    Error e = ApiErrorFromResponse(c.code, Status(c.code, c.reason, "msg"), "get pods");
    EXPECT_EQ(e.code, c.want) << c.code << " " << c.reason;
    EXPECT_EQ(e.http_status, c.code);
    EXPECT_EQ(e.reason, c.reason);
    EXPECT_EQ(e.message, "get pods: msg");
  }
}

TEST(KubeApiErrorTest, NonStatusBodyKeepsAnExcerpt) {
  Error e = ApiErrorFromResponse(502, "<html>bad gateway</html>\n", "list pods");
  EXPECT_EQ(e.code, ErrorCode::kServerError);
  EXPECT_EQ(e.message, "list pods: HTTP 502: <html>bad gateway</html>");
  Error huge = ApiErrorFromResponse(500, std::string(10000, 'x'), "");
  EXPECT_LT(huge.message.size(), 400u);
}

TEST(KubeApiErrorTest, InStreamStatusUsesItsCode) {
  nlohmann::json status = nlohmann::json::parse(
      Status(410, "Expired", "too old resource version: 5 (100)"));
  Error e = ApiErrorFromStatusObject(status, "watch pods");
  EXPECT_EQ(e.code, ErrorCode::kGone);
  EXPECT_EQ(e.message, "watch pods: too old resource version: 5 (100)");
  Error bare = ApiErrorFromStatusObject(nlohmann::json{{"kind", "Status"}}, "watch pods");
  EXPECT_EQ(bare.code, ErrorCode::kServerError);
}

TEST(KubeApiPathTest, BuildsCoreAndGroupPaths) {
  EXPECT_EQ(ResourcePath(Pods("demo", "web-0")), "/api/v1/namespaces/demo/pods/web-0");
  EXPECT_EQ(ResourcePath(Pods("")), "/api/v1/pods");
  EXPECT_EQ(ResourcePath(StatefulSets("demo")), "/apis/apps/v1/namespaces/demo/statefulsets");
  EXPECT_EQ(ResourcePath(Nodes("n1")), "/api/v1/nodes/n1");
  EXPECT_EQ(ResourcePath(Namespaces("demo")), "/api/v1/namespaces/demo");
  ResourceRef scale = StatefulSets("demo", "web");
  scale.subresource = "scale";
  EXPECT_EQ(ResourcePath(scale), "/apis/apps/v1/namespaces/demo/statefulsets/web/scale");
}

TEST(KubeApiPathTest, EncodesQueryValues) {
  Query q;
  q.Add("labelSelector", "app in (web, db),tier!=x").AddIfSet("empty", "").Add("limit", "5");
  EXPECT_EQ(q.ToString(), "?labelSelector=app%20in%20%28web%2C%20db%29%2Ctier%21%3Dx&limit=5");
  EXPECT_EQ(Query().ToString(), "");
}

}  // namespace
}  // namespace kdrill::kube
