// PEM checks of kubeconfig certificates and keys (pem_check.h) with OpenSSL's
// PEM readers, the library libcurl uses for them too. OpenSSL's error queue
// is cleared after each check so that no later TLS call reads our errors.
#include "harness/kube/pem_check.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace kdrill::kube {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

Bio MemoryBio(std::string_view pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// An encrypted key is refused instead of asking for its passphrase on the terminal.
int NoPassphrase(char*, int, int, void*) { return -1; }

Cert FirstCertificate(std::string_view pem) {
  Bio bio = MemoryBio(pem);
  Cert cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return cert;
}

Key PrivateKey(std::string_view pem) {
  Bio bio = MemoryBio(pem);
  Key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

}  // namespace

Status CheckCertificatesPem(std::string_view pem, const std::string& where) {
  Bio bio = MemoryBio(pem);
  int count = 0;
  bool broken = false;
  while (bio) {
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      // The end of the text reads as "no start line"; anything else is a
      // block that is there but cannot be read.
      unsigned long err = ERR_peek_last_error();
      broken = !(ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
      break;
    }
    ++count;
  }
  ERR_clear_error();
  if (count == 0 || broken) {
    return MakeError(ErrorCode::kInvalidArgument,
                     where + (count == 0 ? " holds no PEM certificate" : " holds a PEM certificate "
                                                                         "that cannot be read") +
                         " (expected \"-----BEGIN CERTIFICATE-----\" blocks); fix the field or "
                         "the file it names");
  }
  return Ok();
}

Status CheckPrivateKeyPem(std::string_view pem, const std::string& where) {
  if (!PrivateKey(pem)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     where + " holds no PEM private key that can be read without a passphrase "
                             "(expected e.g. \"-----BEGIN PRIVATE KEY-----\"); fix the field or "
                             "the file it names");
  }
  return Ok();
}

Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem,
                                  const std::string& where) {
  Cert cert = FirstCertificate(cert_pem);
  Key key = PrivateKey(key_pem);
  bool match = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!match) {
    return MakeError(ErrorCode::kInvalidArgument,
                     where + ": the client key does not belong to the client certificate; set "
                             "the pair that was issued together");
  }
  return Ok();
}

}  // namespace kdrill::kube
