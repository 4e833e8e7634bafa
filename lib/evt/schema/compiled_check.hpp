#pragma once
// A JSON Schema check compiled to a small tree, for schemas that use only
// the common structural keywords (type, properties, required,
// additionalProperties, items, min/max*, minLength/maxLength, enum/const
// of strings, booleans and null). It answers pass/fail ~10x faster than
// valijson, which copies its error context for every visited member.
// Anything else in the schema ($ref, pattern, allOf, …) makes compile()
// give up, and the caller uses valijson.

#include "evt/codec/json_scan.hpp"

#include <rapidjson/document.h>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::schema {

// One compiled schema; see compile().
class CompiledCheck {
 public:
  // The compiled form of a draft-6/7 schema document, or nullptr when it
  // uses a keyword (or a keyword form) this check does not implement.
  static std::unique_ptr<CompiledCheck> compile(const nlohmann::json& schema);

  // True when the event satisfies the schema, with valijson's meaning of
  // each keyword (strict types; lengths in code points up to a NUL).
  bool accepts(const rapidjson::Value& event) const;

  // The same over the tape of a successful scan (no DOM): false also when
  // the text has a number a double might not hold (nlohmann, the
  // reference, refuses an overflow). Recursion follows the schema's depth,
  // not the event's: parts the schema does not describe are skipped.
  bool accepts(const codec::JsonScanner& scanned) const;

  struct Node;
  ~CompiledCheck();

 private:
  CompiledCheck() = default;
  bool accepts(const Node& node, const rapidjson::Value& value) const;
  bool accepts(const Node& node, const std::vector<codec::JsonTapeEntry>& tape, size_t at,
               std::string& scratch) const;
  std::vector<Node> m_nodes;  // m_nodes[0] is the root
};

}  // namespace evt::schema
