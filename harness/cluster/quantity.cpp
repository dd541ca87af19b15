#include "harness/cluster/quantity.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

namespace kdrill::cluster {

namespace {

constexpr const char* kForms = "a quantity such as 128Mi, 1Gi, 500M or 134217728 (bytes)";

double Multiplier(const std::string& suffix, bool* ok) {
  static const std::map<std::string, double> table = {
      {"", 1},          {"k", 1e3},           {"M", 1e6},           {"G", 1e9},
      {"T", 1e12},      {"P", 1e15},          {"E", 1e18},          {"Ki", 1024.0},
      {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0},
      {"Ei", 1152921504606846976.0}};
  auto it = table.find(suffix);
  *ok = it != table.end();
  return *ok ? it->second : 0;
}

}  // namespace

Result<int64_t> ParseQuantity(const std::string& q) {
  auto bad = [&] { return MakeError(ErrorCode::kInvalidArgument, "\"" + q + "\" is not " + kForms); };
  if (q.empty() || q[0] == '-' || q[0] == '+' || q.find(' ') != std::string::npos) {
    return bad();
  }
  size_t i = 0;
  while (i < q.size() && (std::isdigit(static_cast<unsigned char>(q[i])) || q[i] == '.')) {
    ++i;
  }
  if (i == 0) {
    return bad();
  }
  std::string number = q.substr(0, i);
  std::string suffix = q.substr(i);
  double exp_mult = 1;
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E') && suffix.size() > 1) {
    char* end = nullptr;
    long e = std::strtol(suffix.c_str() + 1, &end, 10);
    if (*end != '\0' || e < 0 || e > 18) {
      return bad();
    }
    exp_mult = std::pow(10.0, static_cast<double>(e));
    suffix.clear();
  }
  bool ok = false;
  double mult = Multiplier(suffix, &ok);
  if (!ok || number.find('.') != number.rfind('.')) {
    return bad();
  }
  double value = std::strtod(number.c_str(), nullptr) * mult * exp_mult;
  if (!std::isfinite(value) || value > 9.2e18) {
    return bad();
  }
  return static_cast<int64_t>(std::ceil(value));
}

std::string FormatQuantity(int64_t bytes) {
  static const std::pair<const char*, int64_t> units[] = {
      {"Ti", int64_t{1} << 40}, {"Gi", int64_t{1} << 30}, {"Mi", int64_t{1} << 20}, {"Ki", int64_t{1} << 10}};
  for (const auto& [suffix, size] : units) {
    if (bytes != 0 && bytes % size == 0) {
      return std::to_string(bytes / size) + suffix;
    }
  }
  return std::to_string(bytes);
}

}  // namespace kdrill::cluster
