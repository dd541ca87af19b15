// Precompiled for every file of kdrill_core and the unit tests: the standard
// and third-party headers most files include. Only headers that are safe to
// see everywhere (no macros that change other code) belong here.
#pragma once

#include <algorithm>
#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>
