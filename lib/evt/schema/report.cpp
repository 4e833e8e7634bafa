// Renders check results for people (text), programs (json) and CI systems
// (GitHub annotations, JUnit XML). Every format carries the same findings.
#include "evt/schema/report.hpp"
#include "evt/codec/json_text.hpp"

#include "evt/output/terminal_escape.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace evt::schema {

ExitCode CheckReport::exit_code() const {
  for (const auto& c : checks) {
    if (c.status == "error") {
      return ExitCode::usage;
    }
  }
  return breaking_count() > 0 ? ExitCode::no : ExitCode::ok;
}

std::size_t CheckReport::breaking_count() const {
  std::size_t n = 0;
  for (const auto& c : checks) {
    for (const auto& f : c.findings) {
      if (f.ignored_because.empty()) {
        ++n;
      }
    }
  }
  for (const auto& i : issues) {
    if (i.severity == "error") {
      ++n;
    }
  }
  return n;
}

namespace {

// File names, property names and titles come from the user's tree (or a
// pull request): keep control, C1 and bidi characters out of terminals and CI logs.
std::string printable(const std::string& s) {
  return output::terminal_safe(s);
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string finding_line(const Finding& f) {
  std::string line = printable(f.file) + ": " + printable(f.rule) + " " + printable(f.location) + ": " +
                     printable(f.message) + " (" + f.direction + " against " +
                     printable(base_name(f.against)) + ")";
  if (!f.ignored_because.empty()) {
    return line + "; ignored: " + printable(f.ignored_because);
  }
  if (!f.hint.empty()) {
    line += "; hint: " + printable(f.hint);
  }
  return line;
}

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j = {{"file", f.file},           {"against", f.against},
                      {"direction", f.direction}, {"rule", f.rule},
                      {"location", f.location},   {"message", f.message},
                      {"hint", f.hint},           {"ignored", !f.ignored_because.empty()}};
  if (!f.ignored_because.empty()) {
    j["ignore_reason"] = f.ignored_because;
  }
  return j;
}

}  // namespace

// GitHub workflow-command escaping: data and property values differ.
// Line breaks stay GitHub's %0A; every other control, C1 or bidi character is
// escaped as on a terminal (CI logs are shown on one).
std::string github_data(const std::string& s) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t nl = s.find('\n', start);
    for (char c : output::terminal_safe(
             std::string_view(s).substr(start, nl == std::string::npos ? nl : nl - start))) {
      if (c == '%') {
        out += "%25";
      } else {
        out += c;
      }
    }
    if (nl == std::string::npos) {
      break;
    }
    out += "%0A";
    start = nl + 1;
  }
  return out;
}

std::string github_property(const std::string& s) {
  std::string out;
  for (char c : github_data(s)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string xml(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace

std::string render_text(const CheckReport& report) {
  std::string out;
  for (const auto& c : report.checks) {
    if (c.status == "error") {
      out += printable(c.file) + ": ERROR: " + printable(c.error) + "\n";
    }
    for (const auto& f : c.findings) {
      out += finding_line(f) + "\n";
    }
  }
  for (const auto& i : report.issues) {
    out += printable(i.file) + ": " + printable(i.rule) + ": " + printable(i.message) +
           (i.severity == "warning" ? " (warning)" : "") +
           (i.hint.empty() ? "" : "; hint: " + printable(i.hint)) + "\n";
  }
  return out;
}

std::string render_json(const CheckReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& c : report.checks) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : c.findings) {
      findings.push_back(finding_json(f));
      all.push_back(finding_json(f));
    }
    nlohmann::json j = {{"subject", c.subject},
                        {"version", c.version},
                        {"file", c.file},
                        {"status", c.status},
                        {"findings", findings}};
    if (!c.error.empty()) {
      j["error"] = c.error;
    }
    checks.push_back(j);
  }
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& i : report.issues) {
    issues.push_back({{"severity", i.severity},
                      {"rule", i.rule},
                      {"file", i.file},
                      {"subject", i.subject},
                      {"message", i.message},
                      {"hint", i.hint}});
  }
  nlohmann::json doc = {{"compatible", report.exit_code() == ExitCode::ok},
                        {"exit_code", static_cast<int>(report.exit_code())},
                        {"subjects", report.subjects},
                        {"checks", checks},
                        {"findings", all},
                        {"issues", issues}};
  return codec::terminal_safe_json(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

std::string render_github(const CheckReport& report) {
  std::string out;
  for (const auto& c : report.checks) {
    if (c.status == "error") {
      out += "::error file=" + github_property(c.file) + ",title=" + github_property("unreadable schema") +
             "::" + github_data(c.error) + "\n";
    }
    for (const auto& f : c.findings) {
      const std::string level = f.ignored_because.empty() ? "error" : "notice";
      std::string text =
          f.location + ": " + f.message + " (" + f.direction + " against " + base_name(f.against) + ")";
      text += f.ignored_because.empty() ? (f.hint.empty() ? "" : ". Hint: " + f.hint)
                                        : ". Ignored: " + f.ignored_because;
      out += "::" + level + " file=" + github_property(f.file) + ",title=" + github_property(f.rule) +
             "::" + github_data(text) + "\n";
    }
  }
  for (const auto& i : report.issues) {
    out += "::" + std::string(i.severity == "error" ? "error" : "warning") +
           " file=" + github_property(i.file) + ",title=" + github_property(i.rule) +
           "::" + github_data(i.message + (i.hint.empty() ? "" : ". Hint: " + i.hint)) + "\n";
  }
  return out;
}

std::string render_junit(const CheckReport& report) {
  std::size_t tests = 0, failures = 0, errors = 0;
  std::string cases;
  for (const auto& c : report.checks) {
    ++tests;
    const std::string classname = c.subject.empty() ? "evt.schema" : c.subject;
    cases += "    <testcase classname=\"" + xml(classname) + "\" name=\"" + xml(c.version) + "\" file=\"" +
             xml(c.file) + "\"";
    std::string body;
    if (c.status == "error") {
      ++errors;
      body += "      <error type=\"unreadable\" message=\"" + xml(c.error) + "\"/>\n";
    }
    std::string detail;
    std::string first_rule;
    for (const auto& f : c.findings) {
      if (!f.ignored_because.empty()) {
        continue;
      }
      if (first_rule.empty()) {
        first_rule = f.rule;
      }
      detail += finding_line(f) + "\n";
    }
    if (!detail.empty()) {
      ++failures;
      const auto more = std::count(detail.begin(), detail.end(), '\n') - 1;
      const std::string summary =
          more > 0 ? first_rule + " and " + std::to_string(more) + " more" : first_rule;
      body += "      <failure type=\"" + xml(first_rule) + "\" message=\"" + xml(summary) + "\">" +
              xml(detail) + "</failure>\n";
    }
    cases += body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n";
  }
  for (const auto& i : report.issues) {
    ++tests;
    cases += "    <testcase classname=\"" + xml(i.subject) + "\" name=\"" + xml(i.rule) + "\" file=\"" +
             xml(i.file) + "\"";
    if (i.severity == "error") {
      ++failures;
      cases += ">\n      <failure type=\"" + xml(i.rule) + "\" message=\"" + xml(i.message) +
               "\"/>\n    </testcase>\n";
    } else {
      cases += ">\n      <system-out>" + xml(i.message) + "</system-out>\n    </testcase>\n";
    }
  }
  std::string head =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"evt schema check\" "
      "tests=\"" +
      std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
      std::to_string(errors) + "\">\n";
  return head + cases + "  </testsuite>\n</testsuites>\n";
}

}  // namespace evt::schema
