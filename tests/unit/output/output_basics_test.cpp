#include "evt/codec/json_text.hpp"
#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"

#include <doctest/doctest.h>

using namespace evt::output;

TEST_CASE("terminal escaping neutralises control sequences") {
  CHECK(terminal_safe("plain") == "plain");
  CHECK(terminal_safe("\x1b[31mred") == "\\x1b[31mred");
  CHECK(terminal_safe("\x1b]0;title\x07") == "\\x1b]0;title\\x07");
  CHECK(terminal_safe("a\nb\tc\r") == "a\\nb\\tc\\r");
  CHECK(terminal_safe("back\\slash") == "back\\\\slash");
  CHECK(terminal_safe("\x7f") == "\\x7f");
  CHECK(terminal_safe("\xc2\x9b"
                      "2J") == "\\xc2\\x9b2J");  // C1 CSI encoded in UTF-8
  CHECK(terminal_safe("\x9b"
                      "2J") == "\\x9b2J");  // raw C1 byte
  CHECK(terminal_safe("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");
  CHECK(terminal_safe("\xff\xfe") == "\\xff\\xfe");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(is_printable_utf8("hello\n"));
  CHECK_FALSE(is_printable_utf8("\x1b"));
  CHECK_FALSE(is_printable_utf8("\xff"));
}

TEST_CASE("terminal escaping: bidi embeddings, overrides and isolates are escaped like C1") {
  // U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE ("Trojan Source").
  CHECK(terminal_safe("a\xe2\x80\xae"
                      "b") == "a\\xe2\\x80\\xaeb");
  CHECK(terminal_safe("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9") ==
        "\\xe2\\x80\\xaa\\xe2\\x81\\xa6\\xe2\\x81\\xa9");
  // Neighbours of the ranges (U+202F, U+2065) stay as they are.
  CHECK(terminal_safe("\xe2\x80\xaf") == "\xe2\x80\xaf");
  CHECK(terminal_safe("\xe2\x81\xa5") == "\xe2\x81\xa5");
  CHECK_FALSE(is_printable_utf8("x\xe2\x80\xaex"));
  // The implicit marks LRM (U+200E), RLM (U+200F) and ALM (U+061C) too; the
  // zero-width joiner (U+200D, emoji sequences) stays.
  CHECK(terminal_safe("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c") == "\\xe2\\x80\\x8e\\xe2\\x80\\x8f\\xd8\\x9c");
  CHECK(terminal_safe("\xe2\x80\x8d") == "\xe2\x80\x8d");
  CHECK(terminal_safe("\xd8\x9b") == "\xd8\x9b");
}

TEST_CASE("JSON strings escape the bidi marks as \\u escapes") {
  std::string out;
  evt::codec::append_json_string(out,
                                 "a\xe2\x80\x8f\xd8\x9c\xe2\x80\x8d"
                                 "b");
  CHECK(out ==
        "\"a\\u200f\\u061c\xe2\x80\x8d"
        "b\"");
  CHECK(evt::codec::terminal_safe_json("{\"k\":\"\xe2\x80\x8e\xd8\x9c\"}") == "{\"k\":\"\\u200e\\u061c\"}");
}

TEST_CASE("tables align columns") {
  Table t({"NAME", "N"});
  t.align_right(1);
  t.add_row({"a", "10"});
  t.add_row({"long-name", "7"});
  CHECK(t.render() == "NAME        N\na          10\nlong-name   7\n");
}

TEST_CASE("terminal_safe_lines keeps line breaks and tabs and escapes the rest") {
  CHECK(terminal_safe_lines("a\tb\nc\x1b]0;x\x07\n") == "a\tb\nc\\x1b]0;x\\x07\n");
  CHECK(terminal_safe_lines("\xe2\x80\xae\n\xc2\x9b") == "\\xe2\\x80\\xae\n\\xc2\\x9b");
  CHECK(terminal_safe_lines("") == "");
  CHECK(terminal_safe_lines("\n\n") == "\n\n");
}
