#include "harness/faults/template_change.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

namespace kdrill::faults {

namespace {

Result<std::pair<std::string, std::string>> ReadPair(const drill::Params& p, const std::string& key,
                                                     const std::string& first, const std::string& second) {
  const auto& v = p.values().at(key);
  std::string shape = fmt::format("{}: {{{}: ..., {}: ...}} with string values (quote numbers)", key, first, second);
  if (!v.is_object() || v.size() != 2 || !v.contains(first) || !v.contains(second) || !v[first].is_string() ||
      !v[second].is_string()) {
    return std::unexpected(p.ErrorAt(key, "expected " + shape + ", got " + v.dump()));
  }
  if (v[first].get<std::string>().empty()) {
    return std::unexpected(p.ErrorAt(key, first + " must not be empty"));
  }
  return std::make_pair(v[first].get<std::string>(), v[second].get<std::string>());
}

}  // namespace

std::string TemplateChange::Describe() const {
  std::string c = container.empty() ? "first container" : "container " + container;
  switch (kind) {
    case Kind::kImage: return fmt::format("image of the {} -> {}", c, value);
    case Kind::kEnv: return fmt::format("env {}={} in the {}", key, value, c);
    case Kind::kAnnotation: return fmt::format("pod-template annotation {}={}", key, value);
  }
  return "";
}

Result<TemplateChange> ReadTemplateChange(const drill::Params& p, const std::string& default_stamp) {
  if (auto s = p.CheckKnownKeys({"image", "env", "annotation", "container", "partition", "onDelete", "timeout"}, "rollout params");
      !s) {
    return std::unexpected(s.error());
  }
  int given = p.Has("image") + p.Has("env") + p.Has("annotation");
  if (given > 1) {
    return std::unexpected(p.ErrorAt("", "rollout takes at most one of params.image, params.env and "
                                         "params.annotation (one template change per step)"));
  }
  TemplateChange c;
  auto container = p.GetString("container", "");
  if (!container) {
    return std::unexpected(container.error());
  }
  c.container = *container;
  if (p.Has("image")) {
    auto image = p.GetString("image", "");
    if (!image) {
      return std::unexpected(image.error());
    }
    if (image->empty()) {
      return std::unexpected(p.ErrorAt("image", "must not be empty"));
    }
    c.kind = TemplateChange::Kind::kImage;
    c.value = *image;
  } else if (p.Has("env")) {
    auto kv = ReadPair(p, "env", "name", "value");
    if (!kv) {
      return std::unexpected(kv.error());
    }
    c.kind = TemplateChange::Kind::kEnv;
    c.key = kv->first;
    c.value = kv->second;
  } else if (p.Has("annotation")) {
    auto kv = ReadPair(p, "annotation", "key", "value");
    if (!kv) {
      return std::unexpected(kv.error());
    }
    c.key = kv->first;
    c.value = kv->second;
  } else {
    c.key = "kdrill.io/rollout";
    c.value = default_stamp;
  }
  if (c.kind == TemplateChange::Kind::kAnnotation && !c.container.empty()) {
    return std::unexpected(p.ErrorAt("container", "applies to image and env changes, not annotations"));
  }
  if (p.Has("partition")) {
    auto part = p.GetInt("partition", 0);
    if (!part) {
      return std::unexpected(part.error());
    }
    if (*part < 0) {
      return std::unexpected(p.ErrorAt("partition", "must be >= 0"));
    }
    c.partition = static_cast<int>(*part);
  }
  if (p.Has("onDelete")) {
    auto od = p.GetBool("onDelete", false);
    if (!od) {
      return std::unexpected(od.error());
    }
    c.on_delete = *od;
    if (c.on_delete && c.partition) {
      return std::unexpected(p.ErrorAt("partition", "is a RollingUpdate setting; under onDelete: true "
                                                    "whoever deletes the pods decides which are replaced"));
    }
  }
  return c;
}

Result<drill::Json> ApplyTemplateChange(const drill::Json& sts, const TemplateChange& change) {
  drill::Json out = sts;
  auto& tmpl = out["spec"]["template"];
  if (change.kind == TemplateChange::Kind::kAnnotation) {
    tmpl["metadata"]["annotations"][change.key] = change.value;
  } else {
    auto& containers = tmpl["spec"]["containers"];
    drill::Json* target = nullptr;
    std::vector<std::string> names;
    for (auto& c : containers) {
      names.push_back(json::Str(c, "/name"));
      if (target == nullptr && (change.container.empty() || json::Str(c, "/name") == change.container)) {
        target = &c;
      }
    }
    if (target == nullptr) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("the pod template has no container {} (containers: {})", change.container,
                                   fmt::join(names, ", ")));
    }
    if (change.kind == TemplateChange::Kind::kImage) {
      (*target)["image"] = change.value;
    } else {
      auto& env = (*target)["env"];
      if (!env.is_array()) {
        env = drill::Json::array();
      }
      bool set = false;
      for (auto& e : env) {
        if (json::Str(e, "/name") == change.key) {
          e = {{"name", change.key}, {"value", change.value}};
          set = true;
        }
      }
      if (!set) {
        env.push_back({{"name", change.key}, {"value", change.value}});
      }
    }
  }
  if (change.partition) {
    auto& strategy = out["spec"]["updateStrategy"];
    strategy["type"] = "RollingUpdate";
    strategy["rollingUpdate"]["partition"] = *change.partition;
  }
  if (out["spec"]["template"] == json::At(sts, "/spec/template")) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the pod template already has " + change.Describe() + ": no rollout would happen");
  }
  return out;
}

}  // namespace kdrill::faults
