#pragma once
// Certificates for HTTPS fixtures, made once per test process with the openssl
// CLI in a temporary directory (removed at exit): a CA, a server certificate
// for 127.0.0.1 and DNS "kube.test" signed by it, a client certificate
// (CN kdrill-test-user) signed by it, and an unrelated second CA.

#include <string>

namespace kdrill::testing {

struct HttpsTestCerts {
  std::string dir;
  std::string ca_pem;           // contents
  std::string other_ca_pem;     // contents of an unrelated CA
  std::string ca_path;
  std::string server_cert_path;
  std::string server_key_path;
  std::string client_cert_pem;  // contents
  std::string client_key_pem;   // contents
  std::string client_cert_path;
  std::string client_key_path;
};

// Generates on first use; aborts the test process with a message when the
// openssl CLI is missing or fails.
const HttpsTestCerts& GetHttpsTestCerts();

}  // namespace kdrill::testing
