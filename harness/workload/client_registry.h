#pragma once
// The constructors of the workload clients, one per implementation file;
// client.cpp maps names to them. Add a database: one file and one line here
// and in client.cpp's table.

#include <memory>

#include "harness/workload/client.h"

namespace kdrill::workload {

std::unique_ptr<WorkloadClient> MakeMariadbClient();
std::unique_ptr<WorkloadClient> MakePostgresClient();
std::unique_ptr<WorkloadClient> MakeRedisClient();
std::unique_ptr<WorkloadClient> MakeShAppendClient();

}  // namespace kdrill::workload
