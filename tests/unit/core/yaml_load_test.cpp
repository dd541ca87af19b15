// LoadYamlDocuments: yaml-cpp guarded against texts that never end (an alias
// inside its own anchor, aliases of aliases, a stream that loops) or that are
// too big or too deep; each refused with a position, in well under a second.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <string>

#include "harness/core/yaml_load.h"

namespace kdrill::yaml {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

LoadProblem Refused(const std::string& text, const Limits& limits = {}) {
  auto loaded = LoadYamlDocuments(text, limits);
  EXPECT_FALSE(loaded.has_value()) << "loaded, but should not have:\n" << text;
  return loaded ? LoadProblem{} : loaded.error();
}

TEST(YamlLoadTest, LoadsEveryDocumentAndSharedAliases) {
  auto loaded = LoadYamlDocuments("a: &x [1, 2]\nb: *x\n---\nc: 3\n");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0]["b"][1].as<int>(), 2);
  EXPECT_EQ((*loaded)[1]["c"].as<int>(), 3);
}

TEST(YamlLoadTest, EmptyTextHasNoDocuments) {
  auto loaded = LoadYamlDocuments("");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(loaded->empty());
}

TEST(YamlLoadTest, AliasInsideItsOwnAnchorIsACycle) {
  for (const std::string text : {"- &s\n  fault: x\n  params:\n    x: *s\n",
                                 "a: &l [1, [2, *l]]\n",
                                 "a: &m {b: {c: *m}}\n"}) {
    LoadProblem p = Refused(text);
    EXPECT_THAT(p.message, HasSubstr("refers to a node that contains it")) << text;
    EXPECT_GE(p.mark.line, 0) << text;
  }
}

TEST(YamlLoadTest, AliasOfACompletedSiblingIsFine) {
  auto loaded = LoadYamlDocuments("a: &s {x: 1}\nb: {y: *s}\n");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ((*loaded)[0]["b"]["y"]["x"].as<int>(), 1);
}

TEST(YamlLoadTest, BillionLaughsStopsAtTheNodeLimitWhereItGoesOver) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *" : "*") + prev;
    text += "]\n";
  }
  LoadProblem p = Refused(text);
  EXPECT_THAT(p.message, HasSubstr("expands to more than 200000 values"));
  EXPECT_EQ(p.mark.line, 5);  // f: 10^5 x plus what came before goes over 200,000
}

TEST(YamlLoadTest, NodeLimitCountsAliasesAsCopies) {
  Limits small;
  small.max_nodes = 20;
  EXPECT_TRUE(LoadYamlDocuments("a: &a [1, 2, 3]\nb: [*a, *a]\n", small).has_value());
  EXPECT_THAT(Refused("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a]\n", small).message,
              HasSubstr("more than 20 values"));
}

TEST(YamlLoadTest, LeadingCommaWouldLoopForeverInYamlCpp) {
  for (const std::string text : {",", ",a: b\n", "---\na: 1\n---\n,\n"}) {
    LoadProblem p = Refused(text);
    EXPECT_THAT(p.message, StartsWith("YAML syntax error:")) << text;
  }
}

TEST(YamlLoadTest, DeepNestingNamesTheLimit) {
  std::string text = "a: " + std::string(500, '[') + std::string(500, ']') + "\n";
  LoadProblem p = Refused(text);
  EXPECT_THAT(p.message, HasSubstr("nested deeper than 100 levels"));
  EXPECT_EQ(p.mark.line, 0);
  std::string fine = "a: " + std::string(50, '[') + std::string(50, ']') + "\n";
  EXPECT_TRUE(LoadYamlDocuments(fine).has_value());
}

TEST(YamlLoadTest, TooManyDocuments) {
  std::string text;
  for (int i = 0; i < 1001; ++i) text += "---\na: 1\n";
  EXPECT_THAT(Refused(text).message, HasSubstr("more than 1000 YAML documents"));
}

TEST(YamlLoadTest, TextOverTheByteLimitIsNotParsed) {
  Limits small;
  small.max_bytes = 10;
  LoadProblem p = Refused("a: 123456789\n", small);
  EXPECT_THAT(p.message, HasSubstr("kdrill reads at most"));
  EXPECT_LT(p.mark.line, 0);
}

TEST(YamlLoadTest, SyntaxErrorKeepsYamlCppsPosition) {
  LoadProblem p = Refused("a: [1, 2\nb: 3\n");
  EXPECT_THAT(p.message, StartsWith("YAML syntax error: "));
  EXPECT_GE(p.mark.line, 0);
}

TEST(YamlLoadTest, UndefinedAnchorIsASyntaxError) {
  EXPECT_THAT(Refused("a: *nope\n").message, StartsWith("YAML syntax error: "));
}

}  // namespace
}  // namespace kdrill::yaml

namespace kdrill::yaml {
namespace {

TEST(YamlLoadTest, NotUtf8IsRefusedWhereTheByteIs) {
  LoadProblem p = Refused("a: 1\nb: caf\xe9\n");
  EXPECT_EQ(p.message, "the text is not UTF-8 (byte 0xe9); save the file as UTF-8");
  EXPECT_EQ(p.mark.line, 1);
  EXPECT_EQ(p.mark.column, 6);
  EXPECT_TRUE(LoadYamlDocuments("a: caf\xc3\xa9\n").has_value());
}

}  // namespace
}  // namespace kdrill::yaml

namespace kdrill::yaml {
namespace {

TEST(YamlLoadTest, NulBytesAndEscapesThatNameNoCharacterAreRefused) {
  EXPECT_THAT(Refused(std::string("a\0b: c\n", 7)).message, HasSubstr("NUL byte"));
  EXPECT_THAT(Refused(std::string("\0\0\0a: 1\n", 8)).message, HasSubstr("UTF-8 only"));
  EXPECT_FALSE(LoadYamlDocuments("a: \"\\ud800\"\n").has_value());  // yaml-cpp: "invalid unicode"
  EXPECT_TRUE(LoadYamlDocuments("a: \"\\u00e9\\U0001F600\"\n").has_value());
}

}  // namespace
}  // namespace kdrill::yaml
