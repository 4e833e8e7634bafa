#include "evt/filter/filter.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::filter;
using evt::Header;
using evt::Record;
using evt::UsageError;

namespace {

bool where(std::string_view expr, std::string_view json) {
  return evaluate(parse_where(expr), nlohmann::json::parse(json));
}

std::string where_error(std::string_view expr) {
  try {
    parse_where(expr);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

bool matches(const FilterSpec& spec, const Record& r) {
  std::vector<evt::HeaderView> hv;
  return RecordFilter(spec).matches(evt::view_of(r, hv));
}

Record rec(std::optional<std::string> value, std::vector<Header> headers = {},
           std::optional<std::string> key = std::nullopt) {
  Record r;
  r.topic = "t";
  r.value = std::move(value);
  r.headers = std::move(headers);
  r.key = std::move(key);
  return r;
}

}  // namespace

TEST_CASE("where: operators") {
  const char* doc =
      R"({"amount":120.5,"n":7,"name":"Ada","tags":["a","b"],"c":{"id":"c-1","zip":"01234"},"nil":null})";
  CHECK(where("amount > 100", doc));
  CHECK_FALSE(where("amount < 100", doc));
  CHECK(where("n >= 7", doc));
  CHECK(where("n <= 7", doc));
  CHECK(where("n == 7", doc));
  CHECK(where("n == 7.0", doc));
  CHECK(where("n != 8", doc));
  CHECK(where("name == Ada", doc));  // bare text is a string
  CHECK(where("name == \"Ada\"", doc));
  CHECK_FALSE(where("name == ada", doc));
  CHECK(where("name ~ ^A.a$", doc));
  CHECK(where("name ~ \"d\"", doc));
  CHECK(where("n ~ ^7$", doc));  // numbers are matched as text
  CHECK(where("c.id == c-1", doc));
  CHECK(where(".c.id==c-1", doc));
  CHECK(where("c.zip == 01234", doc));  // not a JSON number: the string "01234"
  CHECK(where("tags[1] == b", doc));
  CHECK_FALSE(where("tags[2] exists", doc));
  CHECK(where("nil exists", doc));
  CHECK(where("c exists", doc));
  CHECK_FALSE(where("missing exists", doc));
  CHECK(where("missing != 1", doc));  // absent fields differ from everything
  CHECK_FALSE(where("missing == 1", doc));
  CHECK_FALSE(where("missing < 1", doc));
  CHECK_FALSE(where("name > 5", doc));  // a string and a number cannot be ordered
  CHECK(where("name > Aaa", doc));      // strings order lexically (ISO times work)
  CHECK(where(". exists", "5"));
  CHECK(where(". == 5", "5"));
}

TEST_CASE("where: invalid expressions say what is wrong") {
  CHECK(where_error("") == "invalid --where '': the path is missing");
  CHECK(where_error("amount") == "invalid --where 'amount': the operator is missing");
  CHECK(where_error("amount = 5") == "invalid --where 'amount = 5': unknown operator at '= 5'");
  CHECK(where_error("amount >") == "invalid --where 'amount >': the value to compare with is missing");
  CHECK(where_error("amount exists 5") == "invalid --where 'amount exists 5': 'exists' takes no value");
  CHECK(where_error("name ~ (").starts_with("invalid --where 'name ~ (': invalid regular expression"));
  CHECK(where_error("a..b == 1") == "invalid JSON path 'a..b': empty field name");
  CHECK(where_error("a[x] == 1") == "invalid JSON path 'a[x]': array indexes are written [N]");
  CHECK(where_error("a. == 1") == "invalid JSON path 'a.': it ends with '.'");
}

TEST_CASE("record filter: key, header, grep, type and where combine with AND") {
  const Record binary_event =
      rec(R"({"amount":5})", {{"ce_type", "OrderPlaced"}, {"trace", "x"}, {"n", std::nullopt}}, "c-1");
  const Record structured = rec(R"({"specversion":"1.0","type":"OrderShipped","data":{"amount":9}})",
                                {{"content-type", "application/cloudevents+json; charset=UTF-8"}});
  const Record plain = rec(R"({"kind":"Refund","amount":50})");
  const Record null_value = rec(std::nullopt, {}, "c-1");
  const Record not_json = rec("hello world");

  CHECK(matches({}, plain));
  FilterSpec s;
  s.types = {"OrderPlaced", "OrderShipped"};
  CHECK(matches(s, binary_event));
  CHECK(matches(s, structured));
  CHECK_FALSE(matches(s, plain));
  s = {};
  s.types = {"Refund"};
  s.type_field = "kind";
  CHECK(matches(s, plain));
  CHECK_FALSE(matches(s, binary_event));

  s = {};
  s.key = "c-1";
  CHECK(matches(s, binary_event));
  CHECK(matches(s, null_value));
  CHECK_FALSE(matches(s, plain));

  s = {};
  s.headers = {"trace=x"};
  CHECK(matches(s, binary_event));
  s.headers = {"trace=y"};
  CHECK_FALSE(matches(s, binary_event));
  s.headers = {"n"};
  CHECK(matches(s, binary_event));  // present with a null value
  s.headers = {"n="};
  CHECK_FALSE(matches(s, binary_event));  // null is not the empty string
  CHECK_THROWS_AS(RecordFilter(FilterSpec{{}, "type", {}, {"=x"}, {}, {}}), UsageError);

  s = {};
  s.greps = {"world"};
  CHECK(matches(s, not_json));
  s.greps = {"c-1"};
  CHECK(matches(s, null_value));  // the key counts too
  s.greps = {"world", "nope"};
  CHECK_FALSE(matches(s, not_json));

  s = {};
  s.wheres = {"amount > 1", "amount < 10"};
  CHECK(matches(s, binary_event));
  CHECK_FALSE(matches(s, plain));
  CHECK_FALSE(matches(s, not_json));
  CHECK_FALSE(matches(s, null_value));

  s = {};
  s.key = "c-1";
  s.types = {"OrderPlaced"};
  s.wheres = {"amount == 5"};
  s.headers = {"trace"};
  CHECK(matches(s, binary_event));
  s.wheres = {"amount == 6"};
  CHECK_FALSE(matches(s, binary_event));
}

TEST_CASE("where ~: RE2 regex, linear on long values, NULs kept") {
  // std::regex recursed once per character and crashed on ~100 KB strings.
  std::string big = "{\"a\":\"";
  for (int i = 0; i < 100'000; ++i) {
    big += "ab";
  }
  big += "\"}";
  CHECK_FALSE(where("a ~ .*c", big));
  CHECK(where("a ~ ^(a|b)*$", big));
  CHECK(where("a ~ (ab)+$", big));
  CHECK_FALSE(where("a ~ ^(ab)*a$", big));
  // Extended syntax: + ? | {n} and classes, as grep -E.
  CHECK(where("s ~ ^x{2}y?z+$", R"({"s":"xxzz"})"));
  CHECK(where("s ~ [[:digit:]]+", R"({"s":"id-42"})"));
  CHECK_FALSE(where("s ~ [[:digit:]]+", R"({"s":"id"})"));
  // A NUL inside the string does not end it.
  CHECK(where("s ~ b$", R"({"s":"a\u0000b"})"));
  CHECK_FALSE(where("s ~ ^a$", R"({"s":"a\u0000b"})"));
  const auto err = where_error("s ~ a)");
  CHECK(err.starts_with("invalid --where 's ~ a)': invalid regular expression: "));
  CHECK(err.find("RE2 syntax") != std::string::npos);
}

TEST_CASE("where ~: a backtracking-hostile pattern on a long value stays linear") {
  // (a+)+$ on 100k 'a's followed by '!' took > 40 s with a backtracking
  // engine; RE2 answers at once. Perl classes and inline flags are RE2 syntax.
  std::string hostile = "{\"a\":\"" + std::string(100'000, 'a') + "!\"}";
  CHECK_FALSE(where("a ~ (a+)+$", hostile));
  CHECK_FALSE(where("a ~ ^(a|aa)+$", hostile));
  CHECK(where("a ~ (a+)+!$", hostile));
  CHECK(where("s ~ \\d+", R"({"s":"id-42"})"));
  CHECK(where("s ~ (?i)^ID", R"({"s":"id-42"})"));
  CHECK_FALSE(where("s ~ ^ID", R"({"s":"id-42"})"));
}

TEST_CASE("where: path errors carry a hint") {
  try {
    parse_where("a[ == 1");
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) == "invalid JSON path 'a[': array indexes are written [N]");
    CHECK(e.hint().find("customer.id") != std::string::npos);
  }
}
