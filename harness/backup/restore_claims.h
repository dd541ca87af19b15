#pragma once
// Claims a restore creates under the StatefulSet's own claim names, and the
// waits around them, shared by the providers.

#include <string>
#include <vector>

#include "harness/backup/backup_provider.h"

namespace kdrill::backup {

// The claim to create for v: its recorded metadata (labels, annotations kdrill
// did not get from the provisioner) and spec (class, access modes, volume
// mode, size), without the bound volume; with data_source when not null; the
// requested size raised to min_bytes when that is larger (a restore from a
// snapshot may not ask for less than the snapshot's restoreSize).
kube::Json ClaimToRestore(const VolumeBackup& v, const std::string& ns, const kube::Json& data_source,
                          int64_t min_bytes);

// Creates the claim; an existing claim is an error (a restore never overwrites
// a live claim).
Status CreateRestoreClaim(ProviderContext& ctx, const kube::Json& claim);

// The live target StatefulSet; errors name it.
Result<kube::Json> ReadStatefulSet(ProviderContext& ctx);

}  // namespace kdrill::backup
