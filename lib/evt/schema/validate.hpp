#pragma once

#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evt::read {
class LineReader;
}

namespace evt::schema {

// Why one event failed: a JSON pointer into the event and the reason.
struct EventError {
  std::string pointer;  // "" = the whole event, "/items/0/sku"
  std::string reason;
};

// The outcome for one invalid input line.
struct LineResult {
  std::size_t line = 0;
  bool not_json = false;
  std::vector<EventError> errors;
  nlohmann::json errors_json() const;
};

// Counts over a whole input.
struct ValidationSummary {
  std::size_t lines = 0;
  std::size_t invalid = 0;   // valid JSON, schema says no
  std::size_t not_json = 0;  // not JSON at all (or a record line whose value is not JSON)
};

// "FILE:LINE: POINTER: REASON", the text form of one error.
std::string format_line_error(const std::string& input, std::size_t line, const EventError& error);

// Validates events against one JSON Schema with valijson. Compiled once,
// used for every line.
class EventValidator {
 public:
  // Loads the schema; $refs may point to sibling files, never to remote
  // URLs. Throws evt::Error (exit 2) when the schema cannot be used,
  // including keywords valijson cannot enforce (unevaluated*, prefixItems,
  // dependentRequired/dependentSchemas, min/maxContains, dynamic refs).
  static EventValidator from_file(const std::filesystem::path& schema_file);
  static EventValidator from_json(const nlohmann::json& schema, const std::filesystem::path& base_dir = {});

  EventValidator(EventValidator&&) noexcept;
  EventValidator& operator=(EventValidator&&) noexcept;
  ~EventValidator();

  // Validates one event; empty = valid.
  std::vector<EventError> validate(const nlohmann::json& event) const;

  // Reads JSON Lines: each line is an event, or a record line as `evt tail`
  // writes it (its value is validated; tombstones are skipped). Calls
  // `on_invalid` for each invalid or non-JSON line.
  // Lines are read with a bound (`reader`'s limit): a longer line is
  // reported as not JSON without being held in memory. Throws Interrupted
  // on SIGINT/SIGTERM.
  ValidationSummary validate_stream(read::LineReader& reader,
                                    const std::function<void(const LineResult&)>& on_invalid) const;

 private:
  ValidationSummary validate_lines(read::LineReader& reader,
                                   const std::function<void(const LineResult&)>& on_invalid) const;

  struct Impl;
  explicit EventValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::schema
