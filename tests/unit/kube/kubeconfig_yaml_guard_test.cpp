// A kubeconfig goes through the same guarded YAML loader as a drill: a cycle
// or a stream yaml-cpp would loop on is a clear error naming the file.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "harness/kube/kubeconfig.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(KubeconfigYamlGuardTest, AliasInsideItsOwnAnchor) {
  auto cfg = ParseKubeconfig("users:\n- &u\n  name: a\n  user: {x: *u}\n", "/k/config");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(cfg.error().message, StartsWith("kubeconfig /k/config:4:13: not valid YAML: "));
  EXPECT_THAT(cfg.error().message, HasSubstr("refers to a node that contains it"));
}

TEST(KubeconfigYamlGuardTest, LeadingComma) {
  auto cfg = ParseKubeconfig(",\n", "/k/config");
  ASSERT_FALSE(cfg);
  EXPECT_THAT(cfg.error().message, StartsWith("kubeconfig /k/config:1:1: not valid YAML: YAML "
                                              "syntax error"));
}

TEST(KubeconfigYamlGuardTest, FirstDocumentOnlyLikeKubectl) {
  auto cfg = ParseKubeconfig("current-context: a\n---\ncurrent-context: b\n", "/k/config");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->current_context, "a");
}

}  // namespace
}  // namespace kdrill::kube

#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

TEST(KubeconfigYamlGuardTest, AKubeconfigOrCredentialFileMustBeRegular) {
  auto zero = ReadWholeFile("/dev/zero", "kubeconfig");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(zero.error().message, HasSubstr("kubeconfig /dev/zero cannot be read: it is a character device"));
  auto missing = ReadWholeFile("/nonexistent/config", "tokenFile");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "tokenFile /nonexistent/config does not exist");
}

}  // namespace
}  // namespace kdrill::kube
