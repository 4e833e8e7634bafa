#include "evt/config/config_file.hpp"

#include "evt/config/dlq_section.hpp"
#include "evt/config/yaml_checks.hpp"
#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <sstream>

namespace evt::config {

namespace fs = std::filesystem;

const Context* ConfigFile::find(const std::string& name) const {
  for (const auto& c : contexts) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

fs::path default_config_path() {
  if (const char* p = std::getenv("EVT_CONFIG"); p != nullptr && *p != '\0') {
    return p;
  }
  if (const char* p = std::getenv("XDG_CONFIG_HOME"); p != nullptr && *p != '\0') {
    return fs::path(p) / "evt" / "config.yaml";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / ".config" / "evt" / "config.yaml";
}

[[noreturn]] void invalid(const fs::path& path, const YAML::Node& node, const std::string& what) {
  const auto mark = node.Mark();
  std::string where = path.string();
  if (!mark.is_null()) {
    where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  throw UsageError(where + ": " + what, "see `man evt` (CONFIGURATION) for the file format");
}

std::string scalar(const fs::path& path, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) {
    invalid(path, node, what + " must be a string");
  }
  return node.as<std::string>();
}

// A mapping key as text; complex keys ({a: b}: c, [x]: y) are not allowed.
std::string key_of(const fs::path& path, const YAML::Node& key) {
  if (!key.IsScalar()) {
    invalid(path, key, "keys must be plain names");
  }
  return key.as<std::string>();
}

// YAML forbids duplicate keys but yaml-cpp keeps both; a second "prod:" or
// "brokers:" would silently lose to the first, so refuse it.
void check_unique(const fs::path& path, std::set<std::string>& seen, const YAML::Node& key,
                  const std::string& name, const std::string& where) {
  if (!seen.insert(name).second) {
    invalid(path, key, "duplicate key '" + name + "'" + where);
  }
}

namespace {

Context parse_context(const fs::path& path, const YAML::Node& key, const YAML::Node& body) {
  Context ctx;
  ctx.name = key_of(path, key);
  if (!body.IsMap()) {
    invalid(path, body, "context '" + ctx.name + "' must be a mapping");
  }
  std::set<std::string> fields;
  for (const auto& field : body) {
    const auto name = key_of(path, field.first);
    check_unique(path, fields, field.first, name, " in context '" + ctx.name + "'");
    if (name == "brokers") {
      ctx.brokers = scalar(path, field.second, "brokers of context '" + ctx.name + "'");
    } else if (name == "properties") {
      if (!field.second.IsMap()) {
        invalid(path, field.second, "properties of context '" + ctx.name + "' must be a mapping");
      }
      std::set<std::string> props;
      for (const auto& prop : field.second) {
        const auto prop_name = key_of(path, prop.first);
        check_unique(path, props, prop.first, prop_name, " in the properties of context '" + ctx.name + "'");
        // Numbers and booleans (linger.ms: 5, enable.idempotence: true)
        // are kept as the text the user wrote.
        ctx.properties.emplace_back(prop_name, scalar(path, prop.second, "property " + prop_name));
      }
    } else {
      invalid(path, field.first,
              "unknown key '" + name + "' in context '" + ctx.name + "' (expected brokers, properties)");
    }
  }
  return ctx;
}

ConfigFile parse_root(const YAML::Node& root, const fs::path& path) {
  ConfigFile config;
  config.path = path;
  if (root.IsNull()) {
    return config;
  }
  if (!root.IsMap()) {
    invalid(path, root, "the config must be a mapping with 'contexts' and 'current-context'");
  }
  std::set<std::string> keys;
  for (const auto& entry : root) {
    const auto key = key_of(path, entry.first);
    if (key != "contexts" && key != "current-context" && key != "dlq") {
      invalid(path, entry.first, "unknown key '" + key + "' (expected contexts, current-context, dlq)");
    }
    check_unique(path, keys, entry.first, key, "");
  }
  if (root["current-context"]) {
    config.current_context = scalar(path, root["current-context"], "current-context");
  }
  if (const auto contexts = root["contexts"]; contexts && !contexts.IsNull()) {
    if (!contexts.IsMap()) {
      invalid(path, contexts, "'contexts' must map context names to their settings");
    }
    std::set<std::string> names;
    for (const auto& entry : contexts) {
      auto ctx = parse_context(path, entry.first, entry.second);
      check_unique(path, names, entry.first, ctx.name, " (context names must be unique)");
      config.contexts.push_back(std::move(ctx));
    }
  }
  if (const auto dlq = root["dlq"]; dlq && !dlq.IsNull()) {
    config.dlq = parse_dlq_section(path, dlq);
  }
  // A current-context that names no context is reported where it is used
  // (connecting without -b), not here: `evt config use-context` must still
  // be able to repair the file.
  return config;
}

// Walks the YAML events once (linear in the text) and refuses the first
// alias: yaml-cpp shares an anchored node, but every reader of the config
// (view, use-context, any command) copies it out once per reference, so a
// 1 MB anchor referenced 2,000 times took 7.8 GB. A config needs no aliases.
class AliasRefuser : public YAML::EventHandler {
 public:
  explicit AliasRefuser(const fs::path& path) : m_path(path) {}
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw UsageError(m_path.string() + ":" + std::to_string(mark.line + 1) + ":" +
                         std::to_string(mark.column + 1) +
                         ": YAML aliases (*name, <<: *name) are not allowed in the config file",
                     "write each context's settings out in full");
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}

 private:
  const fs::path& m_path;
};

void refuse_aliases(const std::string& text, const fs::path& path) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  AliasRefuser handler(path);
  while (parser.HandleNextDocument(handler)) {
  }
}

}  // namespace

ConfigFile parse_config(const std::string& text, const fs::path& path) {
  // A NUL byte means this is not a text file (yaml-cpp would stop there and
  // parse whatever came before it).
  if (text.find('\0') != std::string::npos) {
    throw UsageError(path.string() + ": not a YAML text file (it contains NUL bytes)",
                     "fix the file or point EVT_CONFIG at another one");
  }
  try {
    refuse_aliases(text, path);
    return parse_root(YAML::Load(text), path);
  } catch (const YAML::Exception& e) {
    std::string where = path.string();
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    throw UsageError(where + ": invalid YAML: " + e.msg, "fix the file or point EVT_CONFIG at another one");
  }
}

namespace {

// Reads the whole file; nullopt when it does not exist. Anything else that
// stops us reading it (a directory, no permission) is an error: silently
// running without the user's contexts would be worse.
std::optional<std::string> read_config_text(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::nullopt;
    }
    if (errno == EINTR && interrupted()) {
      throw Interrupted();  // Ctrl-C while opening a FIFO
    }
    throw UsageError("cannot read config file " + path.string() + ": " + std::strerror(errno),
                     "check EVT_CONFIG and the file's permissions");
  }
  std::string text;
  std::array<char, 8192> buf{};
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) {
      if (interrupted()) {
        ::close(fd);
        throw Interrupted();
      }
      continue;
    }
    if (n < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw UsageError("cannot read config file " + path.string() + ": " + reason,
                       "EVT_CONFIG must name a YAML file");
    }
    if (n == 0) {
      break;
    }
    text.append(buf.data(), static_cast<size_t>(n));
    // yaml-cpp builds a node of a few hundred bytes per scalar: a config
    // of contexts is a few KiB, and 1 MiB bounds the parse to well under a
    // second and a few hundred MB even for a file made only of scalars.
    if (text.size() > (1U << 20)) {
      ::close(fd);
      throw UsageError("config file " + path.string() + " is larger than 1 MiB",
                       "EVT_CONFIG must name evt's YAML config file");
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

ConfigFile load_config(const fs::path& path, bool must_exist) {
  const auto text = read_config_text(path);
  if (!text) {
    if (must_exist) {
      throw UsageError("cannot read config file " + path.string() + ": no such file",
                       "check EVT_CONFIG, or create the file (see `man evt`)");
    }
    ConfigFile empty;
    empty.path = path;
    return empty;
  }
  auto config = parse_config(*text, path);
  // Like ssh: secrets in a file that others can read deserve a warning.
  bool has_secret = false;
  for (const auto& c : config.contexts) {
    for (const auto& [k, v] : c.properties) {
      has_secret = has_secret || kafka::is_secret_property(k);
    }
  }
  struct stat st {};
  if (has_secret && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    config.warnings.push_back("config file " + path.string() +
                              " contains secrets and is readable by other users; run: chmod 600 " +
                              path.string());
  }
  return config;
}

namespace {

// A secret-named value that is a list of assignments (a JAAS config, an
// OAUTHBEARER config) keeps its structure with only the secret assignments
// masked, so the user can still check the user name; any other secret-named
// value is masked whole.
std::string redacted_value(const std::string& name, const std::string& value) {
  std::string assignments = kafka::redact_secret_assignments(value);
  if (!kafka::is_secret_property(name)) {
    return assignments;
  }
  return assignments != value ? assignments : std::string("***");
}

}  // namespace

std::string render_redacted(const ConfigFile& config) {
  YAML::Emitter out;
  // Non-ASCII as \u escapes inside double quotes: control, C1 and bidi
  // characters from the file never reach the terminal raw, and the output is
  // still YAML that reads back to the same values.
  out.SetOutputCharset(YAML::EscapeNonAscii);
  out << YAML::BeginMap;
  if (!config.current_context.empty()) {
    out << YAML::Key << "current-context" << YAML::Value << config.current_context;
  }
  out << YAML::Key << "contexts" << YAML::Value;
  if (config.contexts.empty()) {
    out << YAML::Flow;  // "contexts: {}" rather than an indented "{}"
  }
  out << YAML::BeginMap;
  for (const auto& c : config.contexts) {
    out << YAML::Key << c.name << YAML::Value << YAML::BeginMap;
    if (!c.brokers.empty()) {
      out << YAML::Key << "brokers" << YAML::Value << c.brokers;
    }
    if (!c.properties.empty()) {
      out << YAML::Key << "properties" << YAML::Value << YAML::BeginMap;
      for (const auto& [k, v] : c.properties) {
        out << YAML::Key << k << YAML::Value << redacted_value(k, v);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string ConfigFile::known_contexts() const {
  std::string known;
  for (const auto& c : contexts) {
    known += known.empty() ? "" : ", ";
    // One line per message: a name's line break must not forge another.
    for (const char ch : c.name) {
      known += ch == '\n' ? std::string("\\n") : ch == '\r' ? std::string("\\r") : std::string(1, ch);
    }
  }
  return known;
}

void use_context(const fs::path& path, const std::string& name) {
  const auto config = load_config(path, true);
  if (config.find(name) == nullptr) {
    const std::string known = config.known_contexts();
    throw UsageError("unknown context '" + name + "' in " + path.string(),
                     known.empty() ? "the file defines no contexts" : "known contexts: " + known);
  }
  YAML::Node root = YAML::LoadFile(path.string());
  root["current-context"] = name;
  YAML::Emitter out;
  out << root;
  // Write beside and rename. The temporary file starts owner-only (it holds
  // the same secrets) and gets the original's permissions before the
  // rename; a symlinked config is updated where it points.
  std::error_code ec;
  fs::path target = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : path;
  if (ec) {
    target = path;
  }
  const std::string tmp = target.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw RuntimeError("cannot write " + tmp + ": " + std::strerror(errno));
  }
  const std::string text = std::string(out.c_str()) + "\n";
  bool ok = true;
  for (size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      if (interrupted()) {
        ::close(fd);
        throw Interrupted();
      }
      continue;
    }
    ok = n > 0;
    done += ok ? static_cast<size_t>(n) : 0;
  }
  struct stat st {};
  if (ok && ::stat(target.c_str(), &st) == 0) {
    ok = ::fchmod(fd, st.st_mode & 07777) == 0;
  }
  ok = ::close(fd) == 0 && ok;
  if (ok) {
    fs::rename(tmp, target, ec);
  }
  if (!ok || ec) {
    const std::string reason = ec ? ec.message() : std::strerror(errno);
    ::unlink(tmp.c_str());
    throw RuntimeError("cannot update " + target.string() + ": " + reason);
  }
}

}  // namespace evt::config
