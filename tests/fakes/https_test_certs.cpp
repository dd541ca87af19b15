#include "tests/fakes/https_test_certs.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kdrill::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct CertDir {
  HttpsTestCerts certs;
  ~CertDir() {
    std::error_code ec;
    if (!certs.dir.empty()) {
      std::filesystem::remove_all(certs.dir, ec);
    }
  }
};

HttpsTestCerts Generate() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kdrill-https-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::fprintf(stderr, "https_test_certs: mkdtemp failed\n");
    std::abort();
  }
  HttpsTestCerts c;
  c.dir = tmpl;
  const std::string script = R"(set -e
cd ")" + c.dir + R"("
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $EC -keyout ca.key -out ca.pem -days 2 -subj /CN=kdrill-test-ca
openssl req -x509 $EC -keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=kdrill-other-ca
openssl req $EC -keyout server.key -out server.csr -subj /CN=kdrill-test-server
printf 'subjectAltName=IP:127.0.0.1,DNS:kube.test\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
openssl req $EC -keyout client.key -out client.csr -subj /O=system:masters/CN=kdrill-test-user
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 -extfile client.ext
)";
  std::string script_path = c.dir + "/gen.sh";
  std::ofstream(script_path) << script;
  std::string cmd = "sh " + script_path + " > " + c.dir + "/gen.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "https_test_certs: openssl failed:\n%s\n", Slurp(c.dir + "/gen.log").c_str());
    std::abort();
  }
  c.ca_path = c.dir + "/ca.pem";
  c.ca_pem = Slurp(c.ca_path);
  c.other_ca_pem = Slurp(c.dir + "/other-ca.pem");
  c.server_cert_path = c.dir + "/server.pem";
  c.server_key_path = c.dir + "/server.key";
  c.client_cert_path = c.dir + "/client.pem";
  c.client_key_path = c.dir + "/client.key";
  c.client_cert_pem = Slurp(c.client_cert_path);
  c.client_key_pem = Slurp(c.client_key_path);
  return c;
}

}  // namespace

const HttpsTestCerts& GetHttpsTestCerts() {
  static CertDir dir{Generate()};
  return dir.certs;
}

}  // namespace kdrill::testing
