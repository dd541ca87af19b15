#include "harness/kube/watch_decoder.h"

namespace kdrill::kube {
namespace {

constexpr size_t kMaxEventBytes = 64u << 20;

}  // namespace

Result<bool> WatchStreamDecoder::DecodeLine(std::string_view line, const EventFn& fn) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.remove_suffix(1);
  }
  if (line.empty()) {
    return true;
  }
  Json doc = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("type") ||
      !doc["type"].is_string()) {
    return MakeError(ErrorCode::kServerError,
                     "malformed watch event from the API server (" + std::to_string(line.size()) +
                         " bytes starting \"" + std::string(line.substr(0, 60)) + "\")");
  }
  WatchEvent event;
  event.type = doc["type"].get<std::string>();
  if (auto it = doc.find("object"); it != doc.end()) {
    event.object = std::move(*it);
  }
  return fn(event);
}

Result<bool> WatchStreamDecoder::Feed(std::string_view chunk, const EventFn& fn) {
  size_t start = 0;
  // Fast path: whole lines inside `chunk` are decoded without copying when
  // nothing is buffered.
  while (start < chunk.size()) {
    size_t nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) {
      break;
    }
    Result<bool> more;
    if (buffer_.empty()) {
      more = DecodeLine(chunk.substr(start, nl - start), fn);
    } else {
      buffer_.append(chunk.substr(start, nl - start));
      std::string line = std::move(buffer_);
      buffer_.clear();
      more = DecodeLine(line, fn);
    }
    start = nl + 1;
    if (!more || !*more) {
      buffer_.clear();
      return more;
    }
  }
  buffer_.append(chunk.substr(start));
  if (buffer_.size() > kMaxEventBytes) {
    buffer_.clear();
    return MakeError(ErrorCode::kServerError, "a watch event exceeded 64 MiB without a line break");
  }
  return true;
}

Result<bool> WatchStreamDecoder::Finish(const EventFn& fn) {
  std::string line = std::move(buffer_);
  buffer_.clear();
  return DecodeLine(line, fn);
}

}  // namespace kdrill::kube
