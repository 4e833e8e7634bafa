#include "evt/codec/utf8.hpp"
#include "evt/codec/json_text.hpp"
#include "evt/output/terminal_escape.hpp"

#include <doctest/doctest.h>

#include <string>

using evt::codec::decode_utf8;

TEST_CASE("utf8: decodes one to four bytes") {
  uint32_t cp = 0;
  CHECK(decode_utf8("A", 0, cp) == 1);
  CHECK(cp == 0x41);
  CHECK(decode_utf8("\xc3\xa9", 0, cp) == 2);
  CHECK(cp == 0xe9);
  CHECK(decode_utf8("\xe2\x82\xac", 0, cp) == 3);
  CHECK(cp == 0x20ac);
  CHECK(decode_utf8("\xf0\x9f\x98\x80", 0, cp) == 4);
  CHECK(cp == 0x1f600);
  CHECK(decode_utf8("x\xc3\xa9", 1, cp) == 2);
}

TEST_CASE("utf8: rejects malformed sequences") {
  uint32_t cp = 0;
  CHECK(decode_utf8("\x80", 0, cp) == 0);              // lone continuation
  CHECK(decode_utf8("\xc3", 0, cp) == 0);              // truncated
  CHECK(decode_utf8("\xc3(", 0, cp) == 0);             // bad continuation
  CHECK(decode_utf8("\xc0\xaf", 0, cp) == 0);          // overlong '/'
  CHECK(decode_utf8("\xe0\x80\xaf", 0, cp) == 0);      // overlong, 3 bytes
  CHECK(decode_utf8("\xed\xa0\x80", 0, cp) == 0);      // surrogate U+D800
  CHECK(decode_utf8("\xf4\x90\x80\x80", 0, cp) == 0);  // above U+10FFFF
  CHECK(decode_utf8("\xf8\x88\x80\x80\x80", 0, cp) == 0);
}

TEST_CASE("utf8: JSON validity and terminal escaping agree on the decoder") {
  CHECK(evt::codec::is_valid_utf8("plain ascii, long enough for the fast path"));
  CHECK(evt::codec::is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac"));
  CHECK_FALSE(evt::codec::is_valid_utf8("caf\xc3"));
  CHECK_FALSE(evt::codec::is_valid_utf8("0123456789\xed\xa0\x80"));
  // C1 controls are valid UTF-8 but not printable.
  CHECK(evt::codec::is_valid_utf8("\xc2\x9b"));
  CHECK_FALSE(evt::output::is_printable_utf8("\xc2\x9b"));
  CHECK(evt::output::terminal_safe("\xc2\x9b") == "\\xc2\\x9b");
  CHECK(evt::output::terminal_safe("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(evt::output::terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");
}
