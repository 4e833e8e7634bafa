// NameTable: lookups are ASCII case-insensitive, aliases parse but are not
// offered, and the lib parsers read the same tables CLI11 and completion do.
#include "evt/names.hpp"
#include "evt/error.hpp"
#include "evt/lag/status.hpp"
#include "evt/output/record_format.hpp"
#include "evt/publish/record.hpp"
#include "evt/schema/compatibility.hpp"

#include <doctest/doctest.h>

using namespace evt;

namespace {
enum class Fruit { apple, pear };
constexpr auto k_fruits =
    make_name_table<Fruit>({{"apple", Fruit::apple}, {"pear", Fruit::pear}, {"poire", Fruit::pear, true}});
}  // namespace

TEST_CASE("names: find, name, names, list") {
  static_assert(k_fruits.find("APPLE") == Fruit::apple);
  CHECK(k_fruits.find("Pear") == Fruit::pear);
  CHECK(k_fruits.find("poire") == Fruit::pear);
  CHECK_FALSE(k_fruits.find("appl").has_value());
  CHECK_FALSE(k_fruits.find("").has_value());
  CHECK(k_fruits.name(Fruit::pear) == "pear");
  CHECK(k_fruits.names() == std::vector<std::string>{"apple", "pear"});
  CHECK(k_fruits.list() == "apple or pear");
  CHECK(equals_ascii_nocase("ÄB", "Äb"));
  // Only ASCII folds: a Latin-1/UTF-8 byte is not lower-cased.
  CHECK_FALSE(equals_ascii_nocase("\xC4", "\xE4"));
}

TEST_CASE("names: the lib parsers read their tables") {
  CHECK(publish::parse_input_mode("RAW") == publish::InputMode::raw);
  CHECK_THROWS_WITH_AS(publish::parse_input_mode("lines"),
                       "--input must be auto, record, value or raw, not 'lines'", UsageError);
  CHECK(output::parse_record_style("template") == output::RecordStyle::templated);
  CHECK(output::parse_binary_display("hex") == output::BinaryDisplay::hex);
  CHECK(lag::parse_fail_on("stall") == lag::LagStatus::stall);
  CHECK_FALSE(lag::parse_fail_on("ok").has_value());
  CHECK(schema::parse_compat_mode("FULL_TRANSITIVE") == schema::CompatMode::full_transitive);
  CHECK(schema::compat_mode_name(schema::CompatMode::none) == "none");
  CHECK(schema::parse_schema_format("json-schema") == schema::SchemaFormat::json_schema);
  CHECK(schema::k_schema_formats.names() == std::vector<std::string>{"auto", "json", "avro"});
  CHECK(schema::parse_policy("lenient") == schema::Policy::lenient);
}
