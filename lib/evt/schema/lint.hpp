#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace evt::schema {

// The playbook rules `evt schema lint` knows, each switchable off by ID:
//   event-name-past-tense   event type names say what happened (OrderPlaced, not PlaceOrder)
//   schema-version          every schema states its version
//   envelope-fields         id, type and time are present and required
//   explicit-additional-properties  object schemas say additionalProperties explicitly
//   sensitive-field         no fields named like secrets or card data unless allowed
const std::vector<std::string>& lint_rule_ids();

// One convention a schema breaks.
struct LintFinding {
  std::string file;
  std::string rule;
  std::string location;  // JSON pointer into the file
  std::string message;
};

// Options: rules switched off, field names allowed despite their names.
struct LintOptions {
  std::set<std::string> disabled;
  std::set<std::string> allowed_fields;
};

// Everything a lint run found.
struct LintResult {
  std::size_t files = 0;
  std::vector<LintFinding> findings;
  std::vector<std::string> errors;  // unreadable files
};

// True when `name` reads as past tense (its last word does: Placed, Sent, Paid…).
bool is_past_tense_event_name(const std::string& name);

// True when a field name looks like a secret or card data (password, cardNumber, cvv, ssn…).
bool is_sensitive_field_name(const std::string& name);

// Lints every *.json / *.avsc schema under `dir` (subject.json excluded);
// a subject folder's name is its event type name. subject.json may hold
// {"lint": {"disable": [...], "allow_fields": [...]}}. Throws evt::Error
// (exit 2) when `dir` does not exist.
LintResult lint_directory(const std::filesystem::path& dir, const LintOptions& options);

// The formats of `evt schema lint -o`, default first.
inline const std::vector<std::string> k_lint_formats{"text", "json", "github"};

std::string render_lint_text(const LintResult& result);
std::string render_lint_json(const LintResult& result);
std::string render_lint_github(const LintResult& result);

}  // namespace evt::schema
