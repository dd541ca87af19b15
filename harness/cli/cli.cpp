#include "harness/cli/cli.h"

#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/flag_checks.h"
#include "harness/drill/duration.h"

namespace kdrill::cli {

namespace {

const std::vector<CommandEntry>& Commands() {
  static const std::vector<CommandEntry> table = {
      {"run", SetupRun},
      {"validate", SetupValidate},
      {"recover", SetupRecover},
      {"plan", SetupPlan},
      {"diagnose", SetupDiagnose},
      {"report", SetupReport},
  };
  return table;
}

constexpr const char* kFooter = R"(Examples:
  kdrill validate scenarios/*.yaml
  kdrill run scenarios/pod-kill.yaml --junit reports/junit.xml   # reports/ must exist
  kdrill run scenarios/pod-kill.yaml --json run.json --html run.html
  kdrill report run.json --html run.html   # the HTML page again from a saved JSON report
  kdrill run scenarios/pod-kill.yaml -n my-team --context staging --seed 42
  kdrill plan scenarios/node-drain.yaml    # what a run would do, resolved live; changes nothing
  kdrill recover                      # undo what an interrupted run left behind
  kdrill diagnose sts web -n kdrill-demo   # why pods or claims are not Ready/Bound; reads only

Exit codes: 0 all passed, 1 a guarantee broke (assertion/step failed),
2 bad input (drill, flags, report paths, kubeconfig or its credentials;
recover: a damaged journal), 3 cluster unreachable or API error,
4 refused by a safety rule, 5 cleanup incomplete (run kdrill recover),
130 interrupted. diagnose: 0 no problem found, 1 problems found,
2 bad usage, 3 object not found or cluster error.)";

}  // namespace

std::string UnknownArgumentMessage(const std::string& word) {
  if (word.starts_with("-")) {
    return "kdrill: unknown option '" + word + "'; run 'kdrill --help' (or 'kdrill COMMAND --help') for the flags";
  }
  return "kdrill: unexpected argument '" + word + "'; run 'kdrill --help' for the commands and their arguments";
}

int Main(int argc, char** argv) {
  CLI::App app{"kdrill: chaos drills that prove StatefulSets keep their promises.\n"
               "A drill (YAML) names a StatefulSet, injects faults (kill pods, ...) and checks the guarantees\n"
               "(stable identity, same PVC and data, ...). Writes JUnit; leaves the cluster as it found it.",
               "kdrill"};
  app.set_version_flag("--version", std::string("kdrill ") + KDRILL_VERSION);
  app.require_subcommand(1);
  // Global flags may follow the subcommand, as with kubectl (kdrill run X -n ns).
  app.fallthrough(true);
  app.footer(kFooter);
  GlobalOptions global;
  app.add_option("--kubeconfig", global.kubeconfig, "Path to the kubeconfig file (default: $KUBECONFIG, ~/.kube/config)")
      ->check(CLI::ExistingFile);
  app.add_option("--context", global.context, "The kubeconfig context to use (default: current-context)");
  auto* ns = app.add_option("-n,--namespace", global.ns,
                 "run/plan: use this namespace instead of the drill's spec.target.namespace; diagnose: the "
                 "object's namespace (default: the context's)");
  app.add_option("--kubectl", global.kubectl, "kubectl used for exec into pods (default: $KDRILL_KUBECTL or kubectl in PATH)");
  app.add_option("--allow-namespace", global.allow_namespaces,
                 "Allow a protected namespace (kube-system, kube-public, kube-node-lease are refused by default)");
  app.add_option("--allow-context", global.allow_contexts,
                 "Only run against these contexts (also $KDRILL_ALLOWED_CONTEXTS, comma-separated)");
  {
    // --exec-plugin-timeout DURATION: bounds each run of an exec credential
    // plugin (output and exit); a positive drill-style duration.
    const CLI::Validator positive_duration(
        [](std::string& text) -> std::string {
          auto d = drill::ParseDuration(text);
          if (!d || d->count() <= 0) {
            return "got \"" + text + "\"; want " + std::string(drill::kDurationForms) +
                   ", above zero";
          }
          return {};
        },
        "");
    app.add_option_function<std::string>(
           "--exec-plugin-timeout",
           [&global](const std::string& text) {
             global.exec_plugin_timeout = *drill::ParseDuration(text);
           },
           "Kill a kubeconfig exec credential plugin that has not printed its credential and "
           "exited within this time (default: 60s)")
        ->type_name("DURATION")
        ->check(positive_duration);
  }
  std::vector<std::function<int()>> runners;
  std::vector<CLI::App*> subs;
  for (const auto& c : Commands()) {
    size_t before = app.get_subcommands({}).size();
    runners.push_back(c.setup(app, global));
    subs.push_back(app.get_subcommands({})[before]);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks for a subcommand (or a command's required arguments)
    // before it complains about words it did not know; name those first.
    if (auto unknown = app.remaining(); !unknown.empty()) {
      std::cerr << UnknownArgumentMessage(unknown.front()) << "\n";
      return kExitUsage;
    }
    app.exit(e);
    std::cerr << "Run 'kdrill --help' for usage.\n";
    return kExitUsage;
  }
  if (ns->count() > 0) {
    if (auto st = CheckNamespaceFlag(global.ns); !st) return ReportBadInput("", st.error());
  }
  for (size_t i = 0; i < subs.size(); ++i) {
    if (subs[i]->parsed()) return runners[i]();
  }
  return kExitUsage;
}

}  // namespace kdrill::cli
