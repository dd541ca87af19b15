#pragma once
#include <string>

#include "harness/core/clock.h"

namespace kdrill {

// "2026-11-21T06:40:12.345Z" (UTC, milliseconds).
std::string Rfc3339(WallTime t);

}  // namespace kdrill
