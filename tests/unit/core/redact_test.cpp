#include "harness/core/redact.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdrill {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactUrlTest, ReplacesUserinfoQueryAndFragment) {
  EXPECT_EQ(RedactUrl("https://user:secret@host:6443/prefix?access_token=abc#frag"),
            "https://REDACTED@host:6443/prefix?REDACTED#REDACTED");
  EXPECT_EQ(RedactUrl("https://user:secret@host"), "https://REDACTED@host");
  EXPECT_EQ(RedactUrl("https://host?access_token=abc"), "https://host?REDACTED");
  EXPECT_EQ(RedactUrl("https://a@b:c@host/x"), "https://REDACTED@host/x");  // the last '@' ends it
  EXPECT_EQ(RedactUrl("user:pw@host:443"), "REDACTED@host:443");            // no scheme
}

TEST(RedactUrlTest, LeavesAPlainUrlAlone) {
  for (const char* url : {"https://127.0.0.1:6443", "https://[::1]:6443/k8s/clusters/c-1",
                          "http://kube.test", ""}) {
    EXPECT_EQ(RedactUrl(url), url);
  }
  EXPECT_EQ(RedactUrl("https://host/path/with@sign"), "https://host/path/with@sign");
}

TEST(RedactSecretsTest, ReplacesEveryOccurrenceAndPemLines) {
  const std::string key =
      "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEH\n-----END PRIVATE KEY-----\n";
  std::string text = "token tok-0123456789 again tok-0123456789; key line MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEH";
  std::string out = RedactSecrets(text, {"tok-0123456789", key, "", "ab"});
  EXPECT_THAT(out, Not(HasSubstr("tok-0123456789")));
  EXPECT_THAT(out, Not(HasSubstr("MIGHAgEA")));
  EXPECT_THAT(out, HasSubstr("token [redacted] again [redacted]"));
  EXPECT_EQ(RedactSecrets("about ab", {"ab"}), "about ab");  // too short to hide anything
}

}  // namespace
}  // namespace kdrill

namespace kdrill {
namespace {

TEST(RedactCredentialShapesTest, JwtBearerAndPrivateKeysGoTextStays) {
  const std::string jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLWJ5dGVz";
  EXPECT_EQ(RedactCredentialShapes("plugin: handing out " + jwt + "\ncat: no such file"),
            "plugin: handing out [redacted]\ncat: no such file");
  EXPECT_EQ(RedactCredentialShapes("Authorization: Bearer abc.def-123 sent"),
            "Authorization: Bearer [redacted] sent");
  EXPECT_EQ(RedactCredentialShapes("key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\nok"),
            "key:\n[redacted private key]\nok");
  const std::string cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
  EXPECT_EQ(RedactCredentialShapes(cert), cert);
  EXPECT_EQ(RedactCredentialShapes("eyJ is not a token, nor eyJabc.def"), "eyJ is not a token, nor eyJabc.def");
}

}  // namespace
}  // namespace kdrill
