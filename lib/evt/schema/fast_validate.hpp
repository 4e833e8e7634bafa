#pragma once
// A pass/fail JSON Schema check for hot loops (`evt publish --schema`):
// a compiled check for schemas made of common keywords (compiled_check.hpp),
// else valijson over a RapidJSON document without collecting error texts. Callers
// use EventValidator (nlohmann, full messages) for the events it refuses,
// so messages stay exactly those of `evt schema validate`.

#include "evt/codec/json_scan.hpp"

#include <rapidjson/document.h>

#include <filesystem>
#include <memory>

namespace evt::schema {

// The compiled schema of one file, checked with the same rules as
// EventValidator::from_file (call that first: it refuses what valijson
// cannot enforce and remote $refs).
class FastEventValidator {
 public:
  // Loads and compiles the schema; throws evt::Error (exit 2) when unusable.
  static FastEventValidator from_file(const std::filesystem::path& schema_file);

  FastEventValidator(FastEventValidator&&) noexcept;
  FastEventValidator& operator=(FastEventValidator&&) noexcept;
  ~FastEventValidator();

  // True when the event satisfies the schema. Recursive in the event's
  // depth: bound the depth before calling it.
  bool accepts(const rapidjson::Value& event) const;

  // True when the schema compiled to a check that reads a scan's tape.
  bool checks_scans() const;

  // The compiled check over the tape of a successful scan (no DOM); only
  // when checks_scans(). False also when it cannot decide (see CompiledCheck).
  bool accepts(const codec::JsonScanner& scanned) const;

 private:
  struct Impl;
  explicit FastEventValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::schema
