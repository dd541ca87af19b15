#include "harness/kube/base64.h"

#include <cctype>

#include <openssl/evp.h>

namespace kdrill::kube {

Result<std::string> DecodeBase64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      compact.push_back(c);
    }
  }
  if (compact.empty()) {
    return std::string();
  }
  if (compact.size() % 4 != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not valid base64 (length " + std::to_string(compact.size()) +
                         " is not a multiple of 4)");
  }
  std::string out(compact.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(compact.data()),
                          static_cast<int>(compact.size()));
  if (n < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "not valid base64 (unexpected character)");
  }
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  size_t padding = 0;
  if (compact.back() == '=') {
    ++padding;
    if (compact[compact.size() - 2] == '=') {
      ++padding;
    }
  }
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace kdrill::kube
