#pragma once

#include <string>
#include <vector>

#include "evt/schema/avro_schema.hpp"

namespace evt::schema {

// One reason a reader schema cannot read data written with a writer schema,
// named as Avro's Java SchemaCompatibility names it (TYPE_MISMATCH,
// NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS,
// READER_FIELD_MISSING_DEFAULT_VALUE, MISSING_UNION_BRANCH) and located by a
// JSON pointer into the reader schema ("/fields/1/type").
struct AvroIncompatibility {
  std::string type;
  std::string location;
  std::string message;
};

// Every incompatibility found when `reader` reads data written with
// `writer`, per the Avro specification's schema-resolution rules (type
// promotions int→long→float→double, string↔bytes; aliases; defaults; enum
// defaults). Empty means compatible.
std::vector<AvroIncompatibility> check_avro_compatibility(const AvroNode* reader, const AvroNode* writer);

}  // namespace evt::schema
