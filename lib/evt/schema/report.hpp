#pragma once

#include <string>
#include <vector>

#include "evt/error.hpp"
#include "evt/schema/compatibility.hpp"

namespace evt::schema {

// The formats of `evt schema check -o`, default first.
inline const std::vector<std::string> k_check_formats{"text", "json", "github", "junit"};

// The outcome of checking one version of one subject.
struct VersionCheck {
  std::string subject;            // "" in pairwise mode
  std::string version;            // file name, e.g. "v2.json"
  std::string file;               // path as given
  std::string status;             // "compatible", "incompatible", "error", "first", "unchanged"
  std::vector<Finding> findings;  // breaking changes (ignored ones included, marked)
  std::string error;              // why the version could not be read, when status == "error"
};

// A repository-level problem (edited or deleted published versions,
// deleted subjects) found with --against.
struct RepositoryIssue {
  std::string severity;  // "error" or "warning"
  std::string rule;      // PUBLISHED_VERSION_MODIFIED, VERSION_DELETED, SUBJECT_DELETED
  std::string file;
  std::string subject;
  std::string message;
  std::string hint;
};

// Everything one `evt schema check` run found.
struct CheckReport {
  std::vector<VersionCheck> checks;
  std::vector<RepositoryIssue> issues;
  std::size_t subjects = 0;

  // 2 if any input was unreadable, else 1 if anything breaks (not ignored),
  // else 0.
  ExitCode exit_code() const;
  std::size_t breaking_count() const;
};

// One line per finding: "FILE: RULE LOCATION: MESSAGE (...); hint: HINT".
std::string render_text(const CheckReport& report);
// A JSON document with every check and finding.
std::string render_json(const CheckReport& report);
// GitHub Actions workflow commands (::error file=…::…), one per finding.
std::string render_github(const CheckReport& report);

// Text for a GitHub workflow command's message: % and line breaks encoded,
// control, C1 and bidi characters escaped as on a terminal.
std::string github_data(const std::string& s);

// The same for a property value (file=, title=): ':' and ',' encoded too.
std::string github_property(const std::string& s);
// JUnit XML: a test case per subject and version.
std::string render_junit(const CheckReport& report);

}  // namespace evt::schema
