// Params: typed access to a fault's, wait's or assertion's free-form params,
// with errors located at the key that holds the bad value.
#include "harness/drill/model.h"

#include <algorithm>

#include "harness/drill/duration.h"
#include "harness/drill/suggest.h"

namespace kdrill::drill {

namespace {

std::string Describe(const Json& v) {
  std::string dump = v.dump();
  if (dump.size() > 60) {
    dump = dump.substr(0, 57) + "...";
  }
  switch (v.type()) {
    case Json::value_t::null: return "nothing (null)";
    case Json::value_t::string: return "the string " + dump;
    case Json::value_t::boolean: return "the boolean " + dump;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "the integer " + dump;
    case Json::value_t::number_float: return "the number " + dump;
    case Json::value_t::array: return "a list";
    case Json::value_t::object: return "a map";
    default: return dump;
  }
}

}  // namespace

const SourceLocation& Params::LocationOf(const std::string& key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? block_ : it->second;
}

bool Params::Has(const std::string& key) const {
  return values_.is_object() && values_.contains(key);
}

Params Params::WithPath(std::string path) const {
  Params out = *this;
  out.path_ = std::move(path);
  return out;
}

std::string Params::NameOf(const std::string& key) const {
  return path_.empty() ? prefix_ + key : path_ + "." + prefix_ + key;
}

std::string Params::BlockName() const {
  std::string name = NameOf("");
  if (!name.empty() && name.back() == '.') {
    name.pop_back();
  }
  return name;
}

Error Params::ErrorAt(const std::string& key, const std::string& what) const {
  std::string name = key.empty() ? BlockName() : NameOf(key);
  return Error(ErrorCode::kInvalidArgument,
               LocationOf(key).ToString() + ": " + (name.empty() ? what : name + ": " + what));
}

namespace {
Error Expected(const Params& p, const std::string& key, const std::string& what) {
  return p.ErrorAt(key, "expected " + what + ", got " + Describe(p.values().at(key)));
}
// Separates a parent key from its child in keys_: a character no drill key holds.
constexpr char kNestSeparator = '\x1f';
}  // namespace

std::string Params::NestedKey(const std::string& parent, const std::string& child) {
  return parent + kNestSeparator + child;
}

Result<Params> Params::Sub(const std::string& key) const {
  Params sub;
  sub.path_ = path_;
  sub.prefix_ = prefix_ + key + ".";
  sub.block_ = LocationOf(key);
  if (!Has(key)) {
    return sub;
  }
  const Json& v = values_.at(key);
  if (!v.is_object()) {
    return std::unexpected(Expected(*this, key, "a map"));
  }
  sub.values_ = v;
  const std::string lead = key + kNestSeparator;
  for (const auto& [k, loc] : keys_) {
    if (k.size() > lead.size() && k.compare(0, lead.size(), lead) == 0) {
      sub.keys_[k.substr(lead.size())] = loc;
    }
  }
  return sub;
}

Result<std::string> Params::GetString(const std::string& key, const std::string& fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  const Json& v = values_.at(key);
  if (!v.is_string()) {
    return std::unexpected(Expected(*this, key, "a string"));
  }
  return v.get<std::string>();
}

Result<int64_t> Params::GetInt(const std::string& key, int64_t fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  const Json& v = values_.at(key);
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    return std::unexpected(Expected(*this, key, "an integer"));
  }
  return v.get<int64_t>();
}

Result<double> Params::GetDouble(const std::string& key, double fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  const Json& v = values_.at(key);
  if (!v.is_number()) {
    return std::unexpected(Expected(*this, key, "a number"));
  }
  return v.get<double>();
}

Result<bool> Params::GetBool(const std::string& key, bool fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  const Json& v = values_.at(key);
  if (!v.is_boolean()) {
    return std::unexpected(Expected(*this, key, "a boolean (true or false)"));
  }
  return v.get<bool>();
}

Result<std::chrono::milliseconds> Params::GetDuration(const std::string& key,
                                                      std::chrono::milliseconds fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  const Json& v = values_.at(key);
  std::optional<std::chrono::milliseconds> d;
  if (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= 0) {
    d = ParseDuration(std::to_string(v.get<int64_t>()));
  } else if (v.is_number_unsigned()) {
    d = ParseDuration(std::to_string(v.get<uint64_t>()));
  } else if (v.is_string()) {
    d = ParseDuration(v.get<std::string>());
  }
  if (!d) {
    return std::unexpected(Expected(*this, key, std::string(kDurationForms)));
  }
  return *d;
}

Result<std::vector<std::string>> Params::GetStringList(const std::string& key) const {
  std::vector<std::string> out;
  if (!Has(key)) {
    return out;
  }
  const Json& v = values_.at(key);
  if (!v.is_array()) {
    return std::unexpected(Expected(*this, key, "a list of strings"));
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      return std::unexpected(Error(ErrorCode::kInvalidArgument,
                                   LocationOf(key).ToString() + ": " + NameOf(key) + "[" + std::to_string(i) +
                                       "]: expected a string, got " + Describe(v[i])));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

Status Params::CheckKnownKeys(const std::vector<std::string>& known,
                              const std::string& what) const {
  if (!values_.is_object()) {
    return std::unexpected(Error(ErrorCode::kInvalidArgument,
                                 block_.ToString() + ": " + (BlockName().empty() ? what : BlockName()) +
                                     ": params must be a map"));
  }
  std::string message;
  for (const auto& [key, value] : values_.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) {
      continue;
    }
    if (!message.empty()) {
      message += "\n";
    }
    message += LocationOf(key).ToString() + ": " + (path_.empty() ? "" : BlockName() + ": ") +
               "unknown param \"" + (path_.empty() ? prefix_ + key : key) + "\" for " + what;
    if (known.empty()) {
      message += "; it takes no params";
    } else {
      message += DidYouMean(key, known) + "; accepted params: " + QuoteList(known);
    }
  }
  if (message.empty()) {
    return Ok();
  }
  return std::unexpected(Error(ErrorCode::kInvalidArgument, message));
}

}  // namespace kdrill::drill
