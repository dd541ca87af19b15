#include "harness/kube/curl_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdrill::kube {
namespace {

TEST(KubeCurlEndpointTest, AddressesTheServerWithAnExplicitPortAndNoTrailingSlash) {
  Result<CurlEndpoint> endpoint = CurlEndpointFor("https://api.example/prefix/", "");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(endpoint->url_base, "https://api.example:443/prefix");
  EXPECT_EQ(endpoint->connect_to, "");
  EXPECT_EQ(endpoint->host_header, "");

  endpoint = CurlEndpointFor("http://[::1]:8080", "");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(endpoint->url_base, "http://[::1]:8080");
}

TEST(KubeCurlEndpointTest, TlsServerNameIsAddressedAndConnectedToTheRealHost) {
  Result<CurlEndpoint> endpoint = CurlEndpointFor("https://127.0.0.1:6443", "kube.test");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(endpoint->url_base, "https://kube.test:6443");
  EXPECT_EQ(endpoint->connect_to, "kube.test:6443:127.0.0.1:6443");
  EXPECT_EQ(endpoint->host_header, "Host: 127.0.0.1:6443");

  // Plain http has no TLS name to verify: the name is ignored.
  endpoint = CurlEndpointFor("http://127.0.0.1:8080", "kube.test");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(endpoint->url_base, "http://127.0.0.1:8080");
  EXPECT_EQ(endpoint->connect_to, "");
  EXPECT_EQ(endpoint->host_header, "");
}

TEST(KubeCurlEndpointTest, ANonHttpServerIsRefusedWithTheFieldToFix) {
  for (const char* server : {"ftp://api.example", "not a url", "https://"}) {
    Result<CurlEndpoint> endpoint = CurlEndpointFor(server, "");
    ASSERT_FALSE(endpoint) << server;
    EXPECT_EQ(endpoint.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(endpoint.error().message, std::string("server URL \"") + server +
                                            "\" is not a valid http(s) URL; fix clusters[].cluster.server");
  }
}

TEST(KubeCurlEndpointTest, LoopbackIsNeverProxied) {
  EXPECT_THAT(CurlNoProxyList(), ::testing::StartsWith("localhost,127.0.0.1,::1"));
}

}  // namespace
}  // namespace kdrill::kube
