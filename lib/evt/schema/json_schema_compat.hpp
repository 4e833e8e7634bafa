#pragma once

#include <string>
#include <vector>

#include "evt/schema/json_schema_model.hpp"

namespace evt::schema {

// Which changes count as compatible: Confluent's STRICT (its default) or
// LENIENT (open content models may gain and lose properties).
enum class Policy { strict, lenient };

// One difference between two schemas, named with Confluent's difference
// type and located by a JSON pointer into the original schema ("#/...").
struct Difference {
  std::string type;
  std::string path;
  bool operator==(const Difference&) const = default;
};

// Every difference found between `original` and `update` (compatible ones
// included), in the order Confluent's checker would find them; `policy`
// also judges sub-comparisons (combinator branches). Throws evt::Error
// (exit 2) when the schemas are too large to compare safely.
std::vector<Difference> diff_json_schemas(const JsonNode* original, const JsonNode* update,
                                          Policy policy = Policy::strict);

// True when a difference of this type keeps data written with the original
// readable with the update under `policy`.
bool is_compatible_difference(const std::string& type, Policy policy);

// True when none of `diffs` breaks compatibility under `policy`.
bool all_compatible(const std::vector<Difference>& diffs, Policy policy);

}  // namespace evt::schema
