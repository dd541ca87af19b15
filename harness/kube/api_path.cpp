#include "harness/kube/api_path.h"

#include <curl/curl.h>

namespace kdrill::kube {

std::string UrlEncode(std::string_view text) {
  if (text.empty()) {
    return {};
  }
  // The handle argument is ignored since libcurl 7.82.
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (escaped == nullptr) {
    return std::string(text);
  }
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string ResourcePath(const ResourceRef& ref) {
  std::string path = ref.api_version == "v1" ? "/api/v1" : "/apis/" + ref.api_version;
  if (!ref.ns.empty()) {
    path += "/namespaces/" + UrlEncode(ref.ns);
  }
  path += "/" + ref.resource;
  if (!ref.name.empty()) {
    path += "/" + UrlEncode(ref.name);
    if (!ref.subresource.empty()) {
      path += "/" + ref.subresource;
    }
  }
  return path;
}

Query& Query::Add(std::string key, std::string value) {
  params_.emplace_back(std::move(key), std::move(value));
  return *this;
}

Query& Query::AddIfSet(std::string key, const std::string& value) {
  if (!value.empty()) {
    params_.emplace_back(std::move(key), value);
  }
  return *this;
}

std::string Query::ToString() const {
  std::string out;
  for (const auto& [key, value] : params_) {
    out += out.empty() ? "?" : "&";
    out += UrlEncode(key) + "=" + UrlEncode(value);
  }
  return out;
}

}  // namespace kdrill::kube
