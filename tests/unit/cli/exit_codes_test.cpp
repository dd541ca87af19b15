// The one map from how a run ended to kdrill's documented exit codes
// (README "Exit codes"), and the error classes behind it.
#include <gtest/gtest.h>

#include "harness/cli/exit_codes.h"
#include "harness/runner/run_end.h"

namespace kdrill::testing {
namespace {

TEST(ExitCodes, EveryRunEndHasItsDocumentedCode) {
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kPassed), 0);
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kBroken), 1);
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kBadInput), 2);
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kClusterError), 3);
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kRefused), 4);
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kCleanupIncomplete), 5);
  EXPECT_EQ(cli::ExitCodeFor(RunEnd::kInterrupted), 130);
}

TEST(ExitCodes, WorseKeepsTheMostSevereAndInterruptionBeatsAll) {
  EXPECT_EQ(Worse(RunEnd::kPassed, RunEnd::kBroken), RunEnd::kBroken);
  EXPECT_EQ(Worse(RunEnd::kRefused, RunEnd::kBadInput), RunEnd::kRefused);
  EXPECT_EQ(Worse(RunEnd::kCleanupIncomplete, RunEnd::kInterrupted), RunEnd::kInterrupted);
  EXPECT_EQ(Worse(RunEnd::kInterrupted, RunEnd::kPassed), RunEnd::kInterrupted);
}

TEST(ExitCodes, ASetupErrorEndsTheRunByItsClass) {
  EXPECT_EQ(RunEndForSetupError(Error(ErrorCode::kInvalidArgument, "x")), RunEnd::kBadInput);
  EXPECT_EQ(RunEndForSetupError(Error(ErrorCode::kForbidden, "protected namespace")), RunEnd::kRefused);
  Error api_forbidden(ErrorCode::kForbidden, "RBAC");
  api_forbidden.http_status = 403;
  EXPECT_EQ(RunEndForSetupError(api_forbidden), RunEnd::kClusterError);
  EXPECT_EQ(RunEndForSetupError(Error(ErrorCode::kCancelled, "interrupted")), RunEnd::kInterrupted);
  EXPECT_EQ(RunEndForSetupError(Error(ErrorCode::kIo, "cannot write journal")), RunEnd::kClusterError);
}

TEST(ExitCodes, APlanProblemIsBrokenUnlessInputSafetyOrTheApi) {
  EXPECT_EQ(RunEndForPlanProblem(Error(ErrorCode::kNotFound, "selector matched nothing")), RunEnd::kBroken);
  EXPECT_EQ(RunEndForPlanProblem(Error(ErrorCode::kInvalidArgument, "x")), RunEnd::kBadInput);
  EXPECT_EQ(RunEndForPlanProblem(Error(ErrorCode::kForbidden, "drain into kube-system")), RunEnd::kRefused);
  Error missing(ErrorCode::kNotFound, "statefulsets \"web\" not found");
  missing.http_status = 404;
  EXPECT_EQ(RunEndForPlanProblem(missing), RunEnd::kClusterError);
  EXPECT_EQ(RunEndForPlanProblem(Error(ErrorCode::kUnavailable, "connection refused")), RunEnd::kClusterError);
}

TEST(ExitCodes, AMissingOrWrongKubeconfigIsBadInput) {
  EXPECT_EQ(cli::ExitCodeForConnectError(Error(ErrorCode::kNotFound, "no kubeconfig")), cli::kExitUsage);
  EXPECT_EQ(cli::ExitCodeForConnectError(Error(ErrorCode::kInvalidArgument, "bad yaml")), cli::kExitUsage);
  EXPECT_EQ(cli::ExitCodeForConnectError(Error(ErrorCode::kUnavailable, "refused")), cli::kExitCluster);
  // The headline says which: the input, or the cluster.
  EXPECT_STREQ(cli::ConnectErrorHeadline(Error(ErrorCode::kInvalidArgument, "bad yaml")), "cannot use the kubeconfig");
  EXPECT_STREQ(cli::ConnectErrorHeadline(Error(ErrorCode::kUnavailable, "refused")), "cannot connect to the cluster");
}

}  // namespace
}  // namespace kdrill::testing
