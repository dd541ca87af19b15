// Params (model.h): typed getters with located errors, as faults and
// assertions use them.
#include <gtest/gtest.h>

#include "harness/drill/model.h"

namespace kdrill::drill {
namespace {

Params Make() {
  Json values = Json::parse(R"({
    "name": "web-0", "count": 3, "ratio": 0.5, "on": true, "timeout": "90s",
    "bare": 20, "list": ["a", "b"], "mixed": ["a", 1], "big": 18446744073709551615
  })");
  std::map<std::string, SourceLocation> keys;
  int line = 10;
  for (const auto& [k, v] : values.items()) {
    keys[k] = SourceLocation{"d.yaml", line++, 9};
  }
  return Params(values, SourceLocation{"d.yaml", 9, 7}, keys);
}

TEST(ParamsTest, AbsentKeysGiveTheFallback) {
  Params p = Make();
  EXPECT_FALSE(p.Has("missing"));
  EXPECT_EQ(p.GetString("missing", "x").value(), "x");
  EXPECT_EQ(p.GetInt("missing", 7).value(), 7);
  EXPECT_EQ(p.GetDouble("missing", 1.5).value(), 1.5);
  EXPECT_EQ(p.GetBool("missing", true).value(), true);
  EXPECT_EQ(p.GetDuration("missing", std::chrono::seconds(5)).value(), std::chrono::seconds(5));
  EXPECT_TRUE(p.GetStringList("missing").value().empty());
  EXPECT_EQ(p.LocationOf("missing").ToString(), "d.yaml:9:7");
  Params empty;
  EXPECT_TRUE(empty.values().is_object());
  EXPECT_TRUE(empty.CheckKnownKeys({}, "fault x").has_value());
}

TEST(ParamsTest, PresentKeysOfTheRightType) {
  Params p = Make();
  EXPECT_EQ(p.GetString("name", "").value(), "web-0");
  EXPECT_EQ(p.GetInt("count", 0).value(), 3);
  EXPECT_EQ(p.GetDouble("ratio", 0).value(), 0.5);
  EXPECT_EQ(p.GetDouble("count", 0).value(), 3.0);  // an integer is a number
  EXPECT_EQ(p.GetBool("on", false).value(), true);
  EXPECT_EQ(p.GetDuration("timeout", {}).value(), std::chrono::seconds(90));
  EXPECT_EQ(p.GetDuration("bare", {}).value(), std::chrono::seconds(20));
  EXPECT_EQ(p.GetStringList("list").value(), (std::vector<std::string>{"a", "b"}));
}

TEST(ParamsTest, WrongTypesAreLocatedAtTheKey) {
  Params p = Make();
  Result<int64_t> i = p.GetInt("name", 0);
  ASSERT_FALSE(i);
  EXPECT_EQ(i.error().code, ErrorCode::kInvalidArgument);
  std::string at = p.LocationOf("name").ToString();
  EXPECT_EQ(i.error().message, at + ": name: expected an integer, got the string \"web-0\"");
  EXPECT_FALSE(p.GetInt("big", 0));  // beyond int64
  EXPECT_EQ(p.GetBool("count", false).error().message,
            p.LocationOf("count").ToString() +
                ": count: expected a boolean (true or false), got the integer 3");
  EXPECT_EQ(p.GetString("list", "").error().message,
            p.LocationOf("list").ToString() + ": list: expected a string, got a list");
  EXPECT_NE(p.GetDuration("name", {}).error().message.find("\"500ms\""), std::string::npos);
  EXPECT_EQ(p.GetStringList("mixed").error().message,
            p.LocationOf("mixed").ToString() + ": mixed[1]: expected a string, got the integer 1");
}

TEST(ParamsTest, CheckKnownKeysListsEveryUnknownKey) {
  Params p = Make();
  Status s = p.CheckKnownKeys({"name", "count", "ratio", "on", "timeout", "bare", "list"},
                              "fault pod-kill");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            p.LocationOf("big").ToString() +
                ": unknown param \"big\" for fault pod-kill; accepted params: \"name\", \"count\", "
                "\"ratio\", \"on\", \"timeout\", \"bare\", \"list\"\n" +
                p.LocationOf("mixed").ToString() +
                ": unknown param \"mixed\" for fault pod-kill; accepted params: \"name\", "
                "\"count\", \"ratio\", \"on\", \"timeout\", \"bare\", \"list\"");
  Params one(Json{{"nmae", 1}}, SourceLocation{"d.yaml", 3, 5}, {});
  EXPECT_EQ(one.CheckKnownKeys({"name"}, "wait x").error().message,
            "d.yaml:3:5: unknown param \"nmae\" for wait x (did you mean \"name\"?); accepted "
            "params: \"name\"");
  EXPECT_EQ(one.CheckKnownKeys({}, "wait x").error().message,
            "d.yaml:3:5: unknown param \"nmae\" for wait x; it takes no params");
  EXPECT_EQ(one.ErrorAt("nmae", "bad").message, "d.yaml:3:5: nmae: bad");
  EXPECT_EQ(one.ErrorAt("", "bad").message, "d.yaml:3:5: bad");
}

TEST(SourceLocationTest, ToString) {
  EXPECT_EQ((SourceLocation{"a.yaml", 3, 7}).ToString(), "a.yaml:3:7");
  EXPECT_EQ((SourceLocation{"a.yaml", 3, 0}).ToString(), "a.yaml:3");
  EXPECT_EQ((SourceLocation{"a.yaml", 0, 0}).ToString(), "a.yaml");
}

TEST(ParamsTest, SubBlocksKeepTheirLocationsAndSpellNestedNames) {
  Json values = Json::parse(R"({"exec": {"command": 5, "extra": 1}, "flat": 1})");
  std::map<std::string, SourceLocation> keys = {
      {"exec", {"d.yaml", 10, 3}},
      {Params::NestedKey("exec", "command"), {"d.yaml", 11, 5}},
      {Params::NestedKey("exec", "extra"), {"d.yaml", 12, 5}},
      {"flat", {"d.yaml", 13, 3}},
  };
  Params p(values, SourceLocation{"d.yaml", 9, 7}, keys);
  Result<Params> exec = p.Sub("exec");
  ASSERT_TRUE(exec);
  EXPECT_EQ(exec->location().ToString(), "d.yaml:10:3");
  EXPECT_EQ(exec->NameOf("command"), "exec.command");
  EXPECT_EQ(exec->GetStringList("command").error().message,
            "d.yaml:11:5: exec.command: expected a list of strings, got the integer 5");
  EXPECT_EQ(exec->CheckKnownKeys({"command"}, "probe exec").error().message,
            "d.yaml:12:5: unknown param \"exec.extra\" for probe exec; accepted params: \"command\"");
  EXPECT_EQ(exec->ErrorAt("", "command is required").message, "d.yaml:10:3: exec: command is required");
  EXPECT_EQ(exec->ErrorAt("command", "must not be empty").message, "d.yaml:11:5: exec.command: must not be empty");
  EXPECT_EQ(p.Sub("flat").error().message, "d.yaml:13:3: flat: expected a map, got the integer 1");
  Result<Params> absent = p.Sub("http");
  ASSERT_TRUE(absent);
  EXPECT_TRUE(absent->values().empty());
  EXPECT_EQ(absent->location().ToString(), "d.yaml:9:7");
}

}  // namespace
}  // namespace kdrill::drill

namespace kdrill::drill {
namespace {

// Params read from a drill carry their path, so every error names the key as
// the drill spells it, from spec down, also inside a sub-block.
TEST(ParamsTest, ErrorsNameTheKeyByItsPathInTheDrill) {
  Json values = Json::parse(R"({"count": "x", "exec": {"command": 5}, "bogus": 1})");
  std::map<std::string, SourceLocation> keys = {
      {"count", {"d.yaml", 11, 9}},
      {"exec", {"d.yaml", 12, 9}},
      {Params::NestedKey("exec", "command"), {"d.yaml", 13, 11}},
      {"bogus", {"d.yaml", 14, 9}},
  };
  Params p = Params(values, SourceLocation{"d.yaml", 10, 7}, keys).WithPath("spec.steps[2].params");
  EXPECT_EQ(p.NameOf("count"), "spec.steps[2].params.count");
  EXPECT_EQ(p.BlockName(), "spec.steps[2].params");
  EXPECT_EQ(p.GetInt("count", 0).error().message,
            "d.yaml:11:9: spec.steps[2].params.count: expected an integer, got the string \"x\"");
  EXPECT_EQ(p.ErrorAt("count", "must be >= 1").message, "d.yaml:11:9: spec.steps[2].params.count: must be >= 1");
  EXPECT_EQ(p.ErrorAt("", "needs count").message, "d.yaml:10:7: spec.steps[2].params: needs count");
  EXPECT_EQ(p.CheckKnownKeys({"count", "exec"}, "pod-kill params").error().message,
            "d.yaml:14:9: spec.steps[2].params: unknown param \"bogus\" for pod-kill params; accepted params: "
            "\"count\", \"exec\"");
  Result<Params> exec = p.Sub("exec");
  ASSERT_TRUE(exec);
  EXPECT_EQ(exec->BlockName(), "spec.steps[2].params.exec");
  EXPECT_EQ(exec->GetStringList("command").error().message,
            "d.yaml:13:11: spec.steps[2].params.exec.command: expected a list of strings, got the integer 5");
  EXPECT_EQ(p.Sub("count").error().message,
            "d.yaml:11:9: spec.steps[2].params.count: expected a map, got the string \"x\"");
}

}  // namespace
}  // namespace kdrill::drill
