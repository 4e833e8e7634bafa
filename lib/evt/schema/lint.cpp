// The event-driven playbook's conventions as lint rules. Each rule is small
// and independent so teams can switch off the ones they do not follow.
#include "evt/schema/lint.hpp"
#include "evt/codec/json_text.hpp"

#include "evt/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include "evt/output/terminal_escape.hpp"
#include "evt/schema/report.hpp"

#include <nlohmann/json.hpp>

#include "evt/error.hpp"
#include "evt/schema/avro_schema.hpp"
#include "evt/schema/json_schema_model.hpp"
#include "evt/schema/repository.hpp"

namespace evt::schema {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string>& lint_rule_ids() {
  static const std::vector<std::string> k_ids = {"event-name-past-tense", "schema-version", "envelope-fields",
                                                 "explicit-additional-properties", "sensitive-field"};
  return k_ids;
}

namespace {

constexpr std::size_t k_max_depth = 1000;

// The last word of CamelCase, snake_case or dotted names.
std::string last_word(const std::string& name) {
  std::size_t start = 0;
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (name[i] == '_' || name[i] == '.' || name[i] == '-') {
      start = i + 1;
    } else if (std::isupper(static_cast<unsigned char>(name[i])) &&
               !std::isupper(static_cast<unsigned char>(name[i - 1]))) {
      start = i;
    }
  }
  return ascii_lower(name.substr(start));
}

struct Linter {
  const LintOptions& options;
  LintResult& result;
  std::string file;
  std::set<std::string> disabled;
  std::set<std::string> allowed;

  bool on(const std::string& rule) const { return !disabled.count(rule) && !options.disabled.count(rule); }
  void add(const std::string& rule, const std::string& location, const std::string& message) {
    if (on(rule)) {
      result.findings.push_back({file, rule, location.empty() ? "/" : location, message});
    }
  }
  bool allowed_field(const std::string& name) const {
    return allowed.count(name) || options.allowed_fields.count(name);
  }

  void event_name(const std::string& name, const std::string& location) {
    if (name.empty() || is_past_tense_event_name(name)) {
      return;
    }
    add("event-name-past-tense", location,
        "event type \"" + name +
            "\" is not in past tense: name what happened (e.g. OrderPlaced, not PlaceOrder)");
  }

  // --- JSON Schema ---
  void walk_json(const json& j, const std::string& ptr, std::size_t depth) {
    if (depth > k_max_depth || !j.is_object()) {
      return;
    }
    const bool is_object_schema =
        (j.contains("type") &&
         (j["type"] == "object" || (j["type"].is_array() && std::find(j["type"].begin(), j["type"].end(),
                                                                      "object") != j["type"].end()))) ||
        j.contains("properties");
    if (is_object_schema && !j.contains("additionalProperties") && !j.contains("unevaluatedProperties") &&
        !j.contains("$ref")) {
      add("explicit-additional-properties", ptr,
          "object schema does not state additionalProperties; an open content model makes adding fields an "
          "incompatible change later (set additionalProperties: false, or true on purpose)");
    }
    if (auto p = j.find("properties"); p != j.end() && p->is_object()) {
      for (const auto& [name, sub] : p->items()) {
        const std::string loc = ptr + "/properties/" + escape_pointer_token(name);
        const bool marked = sub.is_object() && sub.value("x-evt-allow-sensitive", false);
        if (is_sensitive_field_name(name) && !marked && !allowed_field(name)) {
          add("sensitive-field", loc,
              "field \"" + name +
                  "\" looks like a secret or card data; keep it out of events (or mark it "
                  "\"x-evt-allow-sensitive\": true)");
        }
      }
    }
    for (const auto& [key, value] : j.items()) {
      if (key == "enum" || key == "const" || key == "default" || key == "examples") {
        continue;
      }
      const std::string loc = ptr + "/" + escape_pointer_token(key);
      if (value.is_object()) {
        walk_json(value, loc, depth + 1);
      } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          walk_json(value[i], loc + "/" + std::to_string(i), depth + 1);
        }
      }
    }
  }

  void lint_json_schema(const json& doc, const std::string& event_type) {
    event_name(event_type.empty() ? doc.value("title", "") : event_type, "");
    static const std::regex k_versioned(R"((^|[/._-])v[0-9]+([/._-]|$)|version)", std::regex::icase);
    bool versioned = doc.contains("version") || doc.contains("x-version");
    if (auto id = doc.find("$id"); id != doc.end() && id->is_string()) {
      versioned = versioned || std::regex_search(id->get<std::string>(), k_versioned);
    }
    const json* props =
        doc.contains("properties") && doc["properties"].is_object() ? &doc["properties"] : nullptr;
    for (const char* f : {"version", "schemaVersion", "schema_version", "dataschema", "dataschemaversion"}) {
      versioned = versioned || (props && props->contains(f));
    }
    if (!versioned) {
      add("schema-version", "",
          "the schema states no version (add \"version\", a versioned \"$id\" such as .../v2, or a version "
          "field)");
    }
    std::set<std::string> required;
    if (auto r = doc.find("required"); r != doc.end() && r->is_array()) {
      for (const auto& x : *r) {
        if (x.is_string()) {
          required.insert(x.get<std::string>());
        }
      }
    }
    for (const char* f : {"id", "type", "time"}) {
      if (!props || !props->contains(f)) {
        add("envelope-fields", "/properties", std::string("envelope field \"") + f + "\" is missing");
      } else if (!required.count(f)) {
        add("envelope-fields", "/required", std::string("envelope field \"") + f + "\" is not required");
      }
    }
    walk_json(doc, "", 0);
  }

  // --- Avro ---
  void walk_avro(const json& j, const std::string& ptr, std::size_t depth) {
    if (depth > k_max_depth) {
      return;
    }
    if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) {
        walk_avro(j[i], ptr + "/" + std::to_string(i), depth + 1);
      }
      return;
    }
    if (!j.is_object()) {
      return;
    }
    if (auto f = j.find("fields"); f != j.end() && f->is_array()) {
      for (std::size_t i = 0; i < f->size(); ++i) {
        const json& field = (*f)[i];
        const std::string loc = ptr + "/fields/" + std::to_string(i);
        const std::string name = field.value("name", "");
        if (is_sensitive_field_name(name) && !field.value("evt.allowSensitive", false) &&
            !allowed_field(name)) {
          add("sensitive-field", loc,
              "field \"" + name +
                  "\" looks like a secret or card data; keep it out of events (or mark it "
                  "\"evt.allowSensitive\": true)");
        }
        if (field.contains("type")) {
          walk_avro(field["type"], loc + "/type", depth + 1);
        }
      }
    }
    for (const char* k : {"items", "values", "type"}) {
      if (j.contains(k) && j[k].is_structured()) {
        walk_avro(j[k], ptr + "/" + k, depth + 1);
      }
    }
  }

  static bool avro_nullable(const json& type) {
    return type.is_array() && std::find(type.begin(), type.end(), "null") != type.end();
  }

  void lint_avro(const json& doc, const std::string& event_type) {
    event_name(event_type.empty() && doc.is_object() ? doc.value("name", "") : event_type, "");
    bool versioned = doc.is_object() &&
                     (doc.contains("version") ||
                      std::regex_search(doc.value("namespace", ""), std::regex(R"((^|\.)v[0-9]+($|\.))")));
    const json* fields = doc.is_object() && doc.contains("fields") ? &doc["fields"] : nullptr;
    auto field = [&](const std::string& name) -> const json* {
      if (!fields || !fields->is_array()) {
        return nullptr;
      }
      for (const auto& f : *fields) {
        if (f.value("name", "") == name) {
          return &f;
        }
      }
      return nullptr;
    };
    for (const char* f : {"version", "schemaVersion", "schema_version"}) {
      versioned = versioned || field(f);
    }
    if (!versioned) {
      add("schema-version", "",
          "the schema states no version (add \"version\", a namespace ending in .vN, or a version field)");
    }
    for (const char* f : {"id", "type", "time"}) {
      const json* fj = field(f);
      if (!fj) {
        add("envelope-fields", "/fields", std::string("envelope field \"") + f + "\" is missing");
      } else if (avro_nullable(fj->value("type", json())) || fj->contains("default")) {
        add("envelope-fields", "/fields",
            std::string("envelope field \"") + f + "\" is optional (nullable or defaulted)");
      }
    }
    walk_avro(doc, "", 0);
  }
};

}  // namespace

bool is_past_tense_event_name(const std::string& name) {
  static const std::set<std::string> k_irregular = {
      "sent",      "paid",    "made",   "built",   "sold",    "held",   "won",        "lost",
      "taken",     "given",   "done",   "begun",   "run",     "read",   "left",       "found",
      "bought",    "kept",    "met",    "set",     "put",     "cut",    "shut",       "spent",
      "split",     "hit",     "quit",   "written", "chosen",  "frozen", "broken",     "stolen",
      "withdrawn", "drawn",   "shown",  "known",   "grown",   "thrown", "forgotten",  "hidden",
      "ridden",    "risen",   "driven", "eaten",   "fallen",  "seen",   "torn",       "worn",
      "sworn",     "undone",  "reset",  "upheld",  "rebuilt", "resent", "bound",      "dealt",
      "fed",       "led",     "got",    "gotten",  "told",    "sold",   "understood", "overridden",
      "rewritten", "shipped", "outbid"};
  const std::string w = last_word(name);
  if (w.size() > 2 && w.compare(w.size() - 2, 2, "ed") == 0) {
    return true;
  }
  return k_irregular.count(w) > 0;
}

bool is_sensitive_field_name(const std::string& name) {
  std::string n;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      n += ascii_lower(c);
    }
  }
  static const std::set<std::string> k_exact = {"password",
                                                "passwd",
                                                "pwd",
                                                "secret",
                                                "clientsecret",
                                                "apikey",
                                                "apisecret",
                                                "accesstoken",
                                                "refreshtoken",
                                                "privatekey",
                                                "cvv",
                                                "cvc",
                                                "cvv2",
                                                "cvc2",
                                                "ssn",
                                                "socialsecuritynumber",
                                                "pan",
                                                "cardnumber",
                                                "creditcardnumber",
                                                "creditcard",
                                                "cardno",
                                                "ccnumber",
                                                "pin",
                                                "cardpin",
                                                "securitycode",
                                                "cardsecuritycode",
                                                "cardcvv"};
  if (k_exact.count(n)) {
    return true;
  }
  for (const char* part : {"password", "cardnumber", "creditcard", "secret", "privatekey"}) {
    if (n.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

LintResult lint_directory(const fs::path& dir, const LintOptions& options) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    throw UsageError(dir.string() + " does not exist");
  }
  // /dev/null, a FIFO or a socket is neither a schema nor a folder of them:
  // "0 schema(s) linted" would pass a CI check that checked nothing.
  if (!fs::is_regular_file(dir, ec) && !fs::is_directory(dir, ec)) {
    throw UsageError(dir.string() + " is not a schema file or a folder of schemas",
                     "give a .json/.avsc file, a folder or a schema repository");
  }
  LintResult result;
  std::vector<fs::path> files;
  if (fs::is_regular_file(dir)) {
    files.push_back(dir);
  } else {
    for (const auto& e :
         fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
      if (!e.is_regular_file()) {
        continue;
      }
      const auto ext = e.path().extension();
      if ((ext == ".json" || ext == ".avsc") && e.path().filename() != k_subject_settings_file) {
        files.push_back(e.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    ++result.files;
    Linter linter{options, result, file.string(), {}, {}};
    // A version file's event type is its subject folder's name.
    std::string event_type;
    if (!version_files(file.parent_path()).empty() &&
        std::regex_match(file.filename().string(), std::regex(R"(v[0-9]+\.(json|avsc))"))) {
      event_type = file.parent_path().filename().string();
    }
    try {
      const fs::path settings = file.parent_path() / k_subject_settings_file;
      if (fs::exists(settings)) {
        json s = read_json_file(settings, 1u << 20, k_max_depth);
        if (s.contains("lint") && s["lint"].is_object()) {
          for (const auto& d : s["lint"].value("disable", json::array())) {
            linter.disabled.insert(d.get<std::string>());
          }
          for (const auto& a : s["lint"].value("allow_fields", json::array())) {
            linter.allowed.insert(a.get<std::string>());
          }
        }
      }
      json doc = read_json_file(file, 64u << 20, k_max_depth);
      if (file.extension() == ".avsc" || looks_like_avro(doc)) {
        // An invalid schema (bad names, duplicate union branches, …) is an
        // error, as in `check`, not something lint rules can judge.
        parse_avro_schema(doc, file.string());
        linter.lint_avro(doc, event_type);
      } else {
        linter.lint_json_schema(doc, event_type);
      }
    } catch (const std::exception& e) {
      result.errors.push_back(e.what());
    }
  }
  return result;
}

std::string render_lint_text(const LintResult& result) {
  std::string out;
  // Property names, titles and folder names come from the schema files.
  for (const auto& e : result.errors) {
    out += "ERROR: " + output::terminal_safe(e) + "\n";
  }
  for (const auto& f : result.findings) {
    out += output::terminal_safe(f.file) + ": " + output::terminal_safe(f.rule) + " " +
           output::terminal_safe(f.location) + ": " + output::terminal_safe(f.message) + "\n";
  }
  return out;
}

std::string render_lint_json(const LintResult& result) {
  json findings = json::array();
  for (const auto& f : result.findings) {
    findings.push_back(
        {{"file", f.file}, {"rule", f.rule}, {"location", f.location}, {"message", f.message}});
  }
  return codec::terminal_safe_json(
             json({{"files", result.files}, {"findings", findings}, {"errors", result.errors}})
                 .dump(2, ' ', false, json::error_handler_t::replace)) +
         "\n";
}

std::string render_lint_github(const LintResult& result) {
  auto* data = &github_data;
  auto* prop = &github_property;
  std::string out;
  for (const auto& e : result.errors) {
    out += "::error title=unreadable schema::" + data(e) + "\n";
  }
  for (const auto& f : result.findings) {
    out += "::warning file=" + prop(f.file) + ",title=" + prop(f.rule) +
           "::" + data(f.location + ": " + f.message) + "\n";
  }
  return out;
}

}  // namespace evt::schema
