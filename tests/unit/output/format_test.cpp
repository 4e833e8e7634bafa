#include "evt/codec/record_line.hpp"
#include "evt/error.hpp"
#include "evt/output/record_format.hpp"

#include <doctest/doctest.h>

using namespace evt::output;
using evt::Header;
using evt::Record;
using evt::UsageError;

namespace {

Record sample() {
  Record r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = 17;
  r.timestamp = 1'763'632'800'123;
  r.timestamp_type = evt::TimestampType::create_time;
  r.key = "c-1";
  r.value = R"({"id":1,"name":"Ada"})";
  r.headers = {{"trace", "abc"}, {"n", std::nullopt}};
  return r;
}

std::string format(const Record& r, FormatOptions o) {
  RecordFormatter f(std::move(o));
  std::vector<evt::HeaderView> hv;
  std::string out;
  f.append(out, evt::view_of(r, hv));
  return out;
}

FormatOptions style(RecordStyle s, std::string tmpl = {}) {
  FormatOptions o;
  o.style = s;
  o.template_text = std::move(tmpl);
  return o;
}

}  // namespace

TEST_CASE("template tokens (kcat's plus %d)") {
  const auto r = sample();
  CHECK(format(r, style(RecordStyle::templated, "%t|%p|%o|%k|%s|%h|%T|%S|%K|%d\\n")) ==
        "orders|2|17|c-1|{\"id\":1,\"name\":\"Ada\"}|trace=abc,n|1763632800123|21|3|2025-11-20T10:00:00."
        "123Z\n");
  CHECK(format(r, style(RecordStyle::templated, "100%% \\t\\\\")) == "100% \t\\");
  Record null_record = r;
  null_record.key.reset();
  null_record.value.reset();
  null_record.headers.clear();
  null_record.timestamp = -1;
  CHECK(format(null_record, style(RecordStyle::templated, "[%k][%s][%h] %S %K %T %d")) ==
        "[][][] -1 -1 -1 -");
}

TEST_CASE("template errors name the token") {
  CHECK_THROWS_WITH_AS(compile_template("%x"), "invalid format: unknown token '%x'", UsageError);
  CHECK_THROWS_WITH_AS(compile_template("abc%"), "invalid format: it ends with a lone '%'", UsageError);
  CHECK_THROWS_WITH_AS(compile_template("\\q"), "invalid format: unknown escape '\\q'", UsageError);
  CHECK_THROWS_WITH_AS(compile_template("x\\"), "invalid format: it ends with a lone '\\'", UsageError);
  CHECK(compile_template("a%%b") == std::vector<TemplatePiece>{{TemplateToken::literal, "a%b"}});
  CHECK(template_uses_headers(compile_template("%h")));
  CHECK_FALSE(template_uses_headers(compile_template("%s")));
}

TEST_CASE("escaping: nothing from the network reaches a terminal unescaped") {
  Record r = sample();
  r.topic = "t";
  r.key = std::string("k\x1b[2J", 5);
  r.value = std::string("\x1b[31mred\x1b]0;title\x07\xc2\x9b\xff", 21);
  r.headers = {{std::string("h\x1b"), std::string("v\x07")}};
  auto raw_tty = style(RecordStyle::raw);
  raw_tty.terminal_safe = true;
  CHECK(format(r, raw_tty) == "\\x1b[31mred\\x1b]0;title\\x07\\xc2\\x9b\\xff\n");
  CHECK(format(r, style(RecordStyle::raw)) == *r.value + "\n");  // a pipe gets the bytes
  auto tmpl_tty = style(RecordStyle::templated, "%k %h\\n");
  tmpl_tty.terminal_safe = true;
  CHECK(format(r, tmpl_tty) == "k\\x1b[2J h\\x1b=v\\x07\n");
  const auto pretty = format(r, style(RecordStyle::pretty));
  CHECK(pretty.find('\x1b') == std::string::npos);
  CHECK(pretty.find('\x07') == std::string::npos);
  CHECK(pretty.find("\xc2\x9b") == std::string::npos);
  CHECK(pretty.find("\\x1b[31mred\\x1b]0;title\\x07") != std::string::npos);
  // JSON strings in pretty output use JSON escapes, C1 included.
  r.value = R"({"a":"\u001b[31m\u009b"})";
  const auto pretty_json = format(r, style(RecordStyle::pretty));
  CHECK(pretty_json.find("\"\\u001b[31m\\u009b\"") != std::string::npos);
  CHECK(pretty_json.find('\x1b') == std::string::npos);
  // Bidi controls too, in JSON strings and in raw/template output on a terminal.
  r.value = "{\"a\":\"x\xe2\x80\xaey\xe2\x81\xa7\"}";
  const auto pretty_bidi = format(r, style(RecordStyle::pretty));
  CHECK(pretty_bidi.find("\"x\\u202ey\\u2067\"") != std::string::npos);
  CHECK(pretty_bidi.find("\xe2\x80\xae") == std::string::npos);
  CHECK(format(r, raw_tty).find("\xe2\x80\xae") == std::string::npos);
  CHECK(format(r, tmpl_tty).find("\xe2\x80\xae") == std::string::npos);
  CHECK(format(r, style(RecordStyle::jsonl)).find("\xe2\x80\xae") == std::string::npos);
  r.value = R"({"a":"\u001b[31m\u009b"})";
  // jsonl is the record line, whose JSON escapes are terminal-safe too.
  const auto line = format(r, style(RecordStyle::jsonl));
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK(evt::codec::parse_record_line(line) == r);
}

TEST_CASE("binary values as hex or base64 on request") {
  Record r = sample();
  r.value = std::string("\x00\xff\x10", 3);
  auto raw = style(RecordStyle::raw);
  raw.binary = BinaryDisplay::hex;
  CHECK(format(r, raw) == "00ff10\n");
  raw.binary = BinaryDisplay::base64;
  CHECK(format(r, raw) == "AP8Q\n");
  r.value = "text stays text";
  CHECK(format(r, raw) == "text stays text\n");
  auto pretty = style(RecordStyle::pretty);
  pretty.binary = BinaryDisplay::hex;
  r.value = std::string("\x00\xff", 2);
  CHECK(format(r, pretty).find("  hex: 00ff\n") != std::string::npos);
  CHECK(parse_binary_display("base64") == BinaryDisplay::base64);
  CHECK_THROWS_AS(parse_binary_display("octal"), UsageError);
}

TEST_CASE("pretty blocks: plain, null, CloudEvents binary and structured") {
  CHECK(format(sample(), style(RecordStyle::pretty)) ==
        "orders/2@17  2025-11-20T10:00:00.123Z  key: c-1\n"
        "  header trace: abc\n"
        "  header n: (null)\n"
        "  {\n"
        "    \"id\": 1,\n"
        "    \"name\": \"Ada\"\n"
        "  }\n\n");
  Record n = sample();
  n.key.reset();
  n.value.reset();
  n.headers.clear();
  CHECK(format(n, style(RecordStyle::pretty)) == "orders/2@17  2025-11-20T10:00:00.123Z\n  (null)\n\n");
  Record text = n;
  text.value = "line one\nline two\n";
  CHECK(format(text, style(RecordStyle::pretty)) ==
        "orders/2@17  2025-11-20T10:00:00.123Z\n  line one\n  line two\n\n");

  Record binary = sample();
  binary.headers = {{"ce_specversion", "1.0"},
                    {"ce_id", "e-1"},
                    {"ce_source", "/shop"},
                    {"ce_type", "OrderPlaced"},
                    {"content-type", "application/json"},
                    {"trace", "abc"}};
  binary.value = R"({"id":1})";
  CHECK(format(binary, style(RecordStyle::pretty)) ==
        "orders/2@17  2025-11-20T10:00:00.123Z  key: c-1\n"
        "  cloudevent (binary)  type: OrderPlaced  source: /shop  id: e-1  specversion: 1.0"
        "  datacontenttype: application/json\n"
        "  header trace: abc\n"
        "  {\n    \"id\": 1\n  }\n\n");

  Record structured = sample();
  structured.headers = {{"content-type", "application/cloudevents+json; charset=UTF-8"}};
  structured.value =
      R"({"specversion":"1.0","id":"e-2","source":"/shop","type":"OrderShipped","data":{"id":2}})";
  CHECK(format(structured, style(RecordStyle::pretty)) ==
        "orders/2@17  2025-11-20T10:00:00.123Z  key: c-1\n"
        "  header content-type: application/cloudevents+json; charset=UTF-8\n"
        "  cloudevent (structured)  type: OrderShipped  source: /shop  id: e-2  specversion: 1.0\n"
        "  {\n    \"id\": 2\n  }\n\n");
}

TEST_CASE("pretty colours only when asked") {
  auto o = style(RecordStyle::pretty);
  o.color = true;
  const auto coloured = format(sample(), o);
  CHECK(coloured.starts_with("\x1b[1;36morders/2@17\x1b[0m"));
  CHECK(format(sample(), style(RecordStyle::pretty)).find('\x1b') == std::string::npos);
}

TEST_CASE("rfc3339 times") {
  std::string s;
  append_rfc3339_ms(s, 0);
  CHECK(s == "1970-01-01T00:00:00.000Z");
  s.clear();
  append_rfc3339_ms(s, 951'782'400'999);  // leap day 2000
  CHECK(s == "2000-02-29T00:00:00.999Z");
  s.clear();
  append_rfc3339_ms(s, 253'402'300'799'999);  // the last RFC 3339 millisecond
  CHECK(s == "9999-12-31T23:59:59.999Z");
  s.clear();
  append_rfc3339_ms(s, 253'402'300'800'000);
  CHECK(s == "253402300800000");
  s.clear();
  append_rfc3339_ms(s, INT64_MAX);
  CHECK(s == "9223372036854775807");
}

TEST_CASE("pretty: deeply nested JSON is shown as text, without overflowing the stack") {
  Record r = sample();
  r.headers.clear();
  r.value = std::string(100'000, '[') + std::string(100'000, ']');
  const auto deep = format(r, style(RecordStyle::pretty));
  CHECK(deep.find("  (JSON nested deeper than 512 levels, shown as text)\n  [[[") != std::string::npos);
  CHECK(deep.ends_with("]]]\n\n"));
  // Structured CloudEvents with deep data fall back the same way.
  r.headers = {{"content-type", "application/cloudevents+json"}};
  r.value = R"({"specversion":"1.0","type":"T","data":)" + std::string(100'000, '[') +
            std::string(100'000, ']') + "}";
  const auto structured = format(r, style(RecordStyle::pretty));
  CHECK(structured.find("cloudevent (structured)") == std::string::npos);
  CHECK(structured.find("shown as text") != std::string::npos);
  // 512 levels are still printed as JSON; brackets inside strings do not count.
  r.headers.clear();
  r.value = std::string(512, '[') + "\"" + std::string(1000, '[') + "\"" + std::string(512, ']');
  const auto at_limit = format(r, style(RecordStyle::pretty));
  CHECK(at_limit.find("shown as text") == std::string::npos);
  CHECK(at_limit.find("[\n") != std::string::npos);
}
