#pragma once
// The params of the probe assertion, read and checked once (Validate at parse
// time, again in Prepare). Exactly one of exec, http and resource; every
// error carries the file:line:col of the key at fault.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "assertions/json_path.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"

namespace kdrill::assertions {

// exec: {ordinals: [0] | all: true, container, command: [...], expectExitCode, expectOutput}
struct ExecProbe {
  std::vector<int> ordinals;  // empty: every pod of the snapshot
  std::string container;      // empty: the pod's default container
  std::vector<std::string> command;
  int expect_exit_code = 0;
  std::optional<std::string> expect_output;  // a substring of stdout
};

// http: {pod | ordinal | service, port, path, scheme, expectStatus, expectBody}
struct HttpProbe {
  enum class Via { kPod, kOrdinal, kService };
  Via via = Via::kOrdinal;
  std::string name;  // kPod: the pod; kService: the Service
  int ordinal = 0;   // kOrdinal
  std::string port;  // a number, or a port name
  bool port_is_name = false;
  std::string path = "/";
  std::string scheme = "http";
  std::optional<int> expect_status;          // absent: any of 200..399
  std::optional<std::string> expect_body;    // a substring of the body
};

// resource: {apiVersion, kind, name, namespace, path, equals | exists}
struct ResourceProbe {
  std::string api_version;
  std::string kind;
  std::string resource;  // plural, from the resource mapper
  bool namespaced = true;
  std::string name;
  std::string ns;  // empty: the drill's namespace
  JsonPath path;
  std::optional<nlohmann::json> equals;
  std::optional<bool> exists;
};

struct ProbeSpec {
  enum class Kind { kExec, kHttp, kResource };
  Kind kind = Kind::kExec;
  ExecProbe exec;
  HttpProbe http;
  ResourceProbe resource;
};

Result<ProbeSpec> ReadProbeSpec(const drill::Params& params);

}  // namespace kdrill::assertions
