// Repository mode: the way a CI job gates schema changes. One folder per
// subject, versions v1, v2, … checked in order under the subject's mode.
#include "evt/schema/repository.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "evt/error.hpp"
#include "evt/schema/git_revision.hpp"

namespace evt::schema {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::regex& version_pattern() {
  static const std::regex k_re(R"(^v([0-9]{1,9})\.(json|avsc)$)");
  return k_re;
}

long version_number(const std::string& name) {
  std::smatch m;
  return std::regex_match(name, m, version_pattern()) ? std::stol(m[1].str()) : -1;
}

std::string stem_of(const std::string& version) {
  auto dot = version.find('.');
  return dot == std::string::npos ? version : version.substr(0, dot);
}

bool ignore_matches(const IgnoreEntry& e, const Finding& f, const std::string& version) {
  if (e.rule != f.rule || e.location != f.location) {
    return false;
  }
  return e.version.empty() || e.version == version || e.version == stem_of(version);
}

// Published content compared as JSON, so reformatting is not an edit.
bool same_document(const std::string& a, const std::string& b) {
  if (a == b) {
    return true;
  }
  try {
    return json::parse(a) == json::parse(b);
  } catch (const std::exception&) {
    return false;
  }
}

std::string read_file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

SubjectSettings parse_subject_settings(const json& doc, const std::string& origin,
                                       const RepositoryOptions& defaults) {
  SubjectSettings s;
  s.mode = defaults.default_mode;
  s.policy = defaults.default_policy;
  s.format = defaults.format;
  auto bad = [&](const std::string& what) { return UsageError(origin + ": " + what); };
  if (!doc.is_object()) {
    throw bad("must be a JSON object");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == "mode" || key == "compatibility") {
      auto m = value.is_string() ? parse_compat_mode(value.get<std::string>()) : std::nullopt;
      if (!m) {
        throw bad("unknown mode " + value.dump() +
                  " (backward, forward, full, their _transitive variants, none)");
      }
      s.mode = *m;
    } else if (key == "policy") {
      auto p = value.is_string() ? parse_policy(value.get<std::string>()) : std::nullopt;
      if (!p) {
        throw bad("unknown policy " + value.dump() + " (strict or lenient)");
      }
      s.policy = *p;
    } else if (key == "format") {
      auto f = value.is_string() ? parse_schema_format(value.get<std::string>()) : std::nullopt;
      if (!f) {
        throw bad("unknown format " + value.dump() + " (auto, json, avro)");
      }
      s.format = *f;
    } else if (key == "ignore") {
      if (!value.is_array()) {
        throw bad("\"ignore\" must be a list");
      }
      for (const auto& e : value) {
        if (!e.is_object() || !e.contains("rule") || !e.contains("location") || !e["rule"].is_string() ||
            !e["location"].is_string()) {
          throw bad("each ignore entry needs \"rule\" and \"location\"");
        }
        if (!e.contains("reason") || !e["reason"].is_string() || e["reason"].get<std::string>().empty()) {
          throw bad("ignore entry for " + e["rule"].get<std::string>() + " " +
                    e["location"].get<std::string>() +
                    " needs a \"reason\" (why shipping this breaking change is fine)");
        }
        s.ignores.push_back({e["rule"].get<std::string>(), e["location"].get<std::string>(),
                             e.value("version", std::string()), e["reason"].get<std::string>()});
      }
    } else if (key != "description" && key != "$comment" && key != "lint") {
      throw bad("unknown setting \"" + key + "\"");
    }
  }
  return s;
}

std::vector<fs::path> version_files(const fs::path& subject_dir) {
  std::vector<std::pair<long, fs::path>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(subject_dir, ec)) {
    long n = version_number(e.path().filename().string());
    if (n >= 0 && e.is_regular_file()) {
      found.emplace_back(n, e.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& [n, p] : found) {
    out.push_back(std::move(p));
  }
  return out;
}

bool is_schema_repository(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return false;
  }
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory() &&
        (!version_files(e.path()).empty() || fs::exists(e.path() / k_subject_settings_file))) {
      return true;
    }
  }
  return false;
}

namespace {

struct Subject {
  std::string name;
  fs::path dir;
};

std::vector<Subject> list_subjects(const fs::path& dir) {
  std::vector<Subject> subjects;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_directory()) {
      continue;
    }
    if (version_files(e.path()).empty() && !fs::exists(e.path() / k_subject_settings_file)) {
      continue;
    }
    subjects.push_back({e.path().filename().string(), e.path()});
  }
  std::sort(subjects.begin(), subjects.end(),
            [](const Subject& a, const Subject& b) { return a.name < b.name; });
  return subjects;
}

// Checks one subject; `published` holds the versions (file names) that
// existed at the --against revision, or is null to check every version.
void check_subject(const Subject& subject, const RepositoryOptions& options,
                   const std::set<std::string>* published, CheckReport& report) {
  SubjectSettings settings;
  settings.mode = options.default_mode;
  settings.policy = options.default_policy;
  settings.format = options.format;
  const fs::path settings_file = subject.dir / k_subject_settings_file;
  if (fs::exists(settings_file)) {
    try {
      JsonSchemaLimits limits;
      settings = parse_subject_settings(read_json_file(settings_file, 1u << 20, limits.max_depth),
                                        settings_file.string(), options);
    } catch (const Error& e) {
      report.checks.push_back(
          {subject.name, k_subject_settings_file, settings_file.string(), "error", {}, e.what()});
      return;
    }
  }
  std::vector<LoadedSchema> loaded;
  for (const auto& file : version_files(subject.dir)) {
    VersionCheck check{subject.name, file.filename().string(), file.string(), "compatible", {}, {}};
    LoadedSchema schema;
    try {
      schema = load_schema(file, settings.format);
    } catch (const Error& e) {
      check.status = "error";
      check.error = e.what();
      report.checks.push_back(std::move(check));
      continue;
    }
    const bool is_new = !published || !published->count(check.version);
    if (loaded.empty()) {
      check.status = "first";
    } else if (!is_new) {
      check.status = "unchanged";
    } else {
      auto versions = loaded;
      versions.push_back(schema);
      try {
        check.findings = check_latest(versions, settings.mode, settings.policy);
      } catch (const Error& e) {
        check.status = "error";
        check.error = e.what();
      }
      bool breaking = false;
      for (auto& f : check.findings) {
        for (const auto& ig : settings.ignores) {
          if (ignore_matches(ig, f, check.version)) {
            f.ignored_because = ig.reason;
          }
        }
        breaking = breaking || f.ignored_because.empty();
      }
      if (check.status != "error") {
        check.status = breaking ? "incompatible" : "compatible";
      }
    }
    if (published && !is_new && check.status == "first") {
      check.status = "unchanged";
    }
    loaded.push_back(std::move(schema));
    report.checks.push_back(std::move(check));
  }
}

}  // namespace

CheckReport check_repository(const fs::path& dir, const RepositoryOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw UsageError(dir.string() + " is not a directory");
  }
  CheckReport report;
  const auto subjects = list_subjects(dir);
  report.subjects = subjects.size();

  if (options.against.empty()) {
    for (const auto& s : subjects) {
      check_subject(s, options, nullptr, report);
    }
    return report;
  }

  const RevisionTree old_tree = read_revision_tree(dir, options.against);
  // subject -> version file -> published contents
  std::map<std::string, std::map<std::string, const std::string*>> published;
  for (const auto& [rel, contents] : old_tree.files) {
    auto slash = rel.find('/');
    if (slash == std::string::npos || rel.find('/', slash + 1) != std::string::npos) {
      continue;
    }
    const std::string file = rel.substr(slash + 1);
    if (version_number(file) >= 0) {
      published[rel.substr(0, slash)][file] = &contents;
    }
  }
  std::set<std::string> present;
  for (const auto& s : subjects) {
    present.insert(s.name);
    std::set<std::string> versions_then;
    if (auto it = published.find(s.name); it != published.end()) {
      for (const auto& [file, contents] : it->second) {
        versions_then.insert(file);
        const fs::path now = s.dir / file;
        if (!fs::exists(now)) {
          report.issues.push_back(
              {"error", "VERSION_DELETED", now.string(), s.name,
               s.name + "/" + file + " was published at " + options.against + " and is now deleted",
               "restore it: consumers may still hold data written with it"});
        } else if (!same_document(read_file_bytes(now), *contents)) {
          report.issues.push_back({"error", "PUBLISHED_VERSION_MODIFIED", now.string(), s.name,
                                   s.name + "/" + file + " was published at " + options.against +
                                       " and edited in place; published versions are immutable",
                                   "revert the edit and add the change as a new version"});
        }
      }
    }
    check_subject(s, options, &versions_then, report);
  }
  for (const auto& [name, files] : published) {
    if (!present.count(name)) {
      report.issues.push_back({"warning", "SUBJECT_DELETED", (dir / name).string(), name,
                               "subject " + name + " existed at " + options.against + " and was deleted",
                               "make sure no producer or consumer still uses it"});
    }
  }
  return report;
}

}  // namespace evt::schema
