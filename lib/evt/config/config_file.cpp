#include "evt/config/config_file.hpp"

#include "evt/error.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
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

namespace {

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

} // namespace

ConfigFile parse_config(const std::string& text, const fs::path& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UsageError(path.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg,
                     "fix the file or point EVT_CONFIG at another one");
  }
  ConfigFile config;
  config.path = path;
  if (root.IsNull()) {
    return config;
  }
  if (!root.IsMap()) {
    invalid(path, root, "the config must be a mapping with 'contexts' and 'current-context'");
  }
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    if (key != "contexts" && key != "current-context") {
      invalid(path, entry.first, "unknown key '" + key + "' (expected contexts, current-context)");
    }
  }
  if (root["current-context"]) {
    config.current_context = scalar(path, root["current-context"], "current-context");
  }
  if (const auto contexts = root["contexts"]; contexts) {
    if (!contexts.IsMap()) {
      invalid(path, contexts, "'contexts' must map context names to their settings");
    }
    for (const auto& entry : contexts) {
      Context ctx;
      ctx.name = entry.first.as<std::string>();
      const auto& body = entry.second;
      if (!body.IsMap()) {
        invalid(path, body, "context '" + ctx.name + "' must be a mapping");
      }
      for (const auto& field : body) {
        const auto name = field.first.as<std::string>();
        if (name == "brokers") {
          ctx.brokers = scalar(path, field.second, "brokers of context '" + ctx.name + "'");
        } else if (name == "properties") {
          if (!field.second.IsMap()) {
            invalid(path, field.second, "properties of context '" + ctx.name + "' must be a mapping");
          }
          for (const auto& prop : field.second) {
            ctx.properties.emplace_back(prop.first.as<std::string>(),
                                        scalar(path, prop.second, "property " + prop.first.as<std::string>()));
          }
        } else {
          invalid(path, field.first,
                  "unknown key '" + name + "' in context '" + ctx.name + "' (expected brokers, properties)");
        }
      }
      config.contexts.push_back(std::move(ctx));
    }
  }
  if (!config.current_context.empty() && config.find(config.current_context) == nullptr) {
    invalid(path, root["current-context"],
            "current-context '" + config.current_context + "' is not one of the contexts");
  }
  return config;
}

ConfigFile load_config(const fs::path& path, bool must_exist) {
  std::ifstream in(path);
  if (!in) {
    if (must_exist) {
      throw UsageError("cannot read config file " + path.string(),
                       "check EVT_CONFIG, or create the file (see `man evt`)");
    }
    ConfigFile empty;
    empty.path = path;
    return empty;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto config = parse_config(buf.str(), path);
  // Like ssh: secrets in a file that others can read deserve a warning.
  bool has_secret = false;
  for (const auto& c : config.contexts) {
    for (const auto& [k, v] : c.properties) {
      has_secret = has_secret || kafka::is_secret_property(k);
    }
  }
  struct stat st{};
  if (has_secret && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    config.warnings.push_back("config file " + path.string() +
                              " contains secrets and is readable by other users; run: chmod 600 " +
                              path.string());
  }
  return config;
}

std::string render_redacted(const ConfigFile& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!config.current_context.empty()) {
    out << YAML::Key << "current-context" << YAML::Value << config.current_context;
  }
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginMap;
  for (const auto& c : config.contexts) {
    out << YAML::Key << c.name << YAML::Value << YAML::BeginMap;
    if (!c.brokers.empty()) {
      out << YAML::Key << "brokers" << YAML::Value << c.brokers;
    }
    if (!c.properties.empty()) {
      out << YAML::Key << "properties" << YAML::Value << YAML::BeginMap;
      for (const auto& [k, v] : c.properties) {
        out << YAML::Key << k << YAML::Value << (kafka::is_secret_property(k) ? "***" : v);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void use_context(const fs::path& path, const std::string& name) {
  const auto config = load_config(path, true);
  if (config.find(name) == nullptr) {
    std::string known;
    for (const auto& c : config.contexts) {
      known += (known.empty() ? "" : ", ") + c.name;
    }
    throw UsageError("unknown context '" + name + "' in " + path.string(),
                     known.empty() ? "the file defines no contexts" : "known contexts: " + known);
  }
  YAML::Node root = YAML::LoadFile(path.string());
  root["current-context"] = name;
  YAML::Emitter out;
  out << root;
  // Write beside and rename, keeping the file's permissions.
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream file(tmp, std::ios::trunc);
    file << out.c_str() << "\n";
    if (!file) {
      throw Error(ExitCode::runtime, "cannot write " + tmp);
    }
  }
  std::error_code ec;
  fs::permissions(tmp, fs::status(path).permissions(), ec);
  fs::rename(tmp, path, ec);
  if (ec) {
    throw Error(ExitCode::runtime, "cannot update " + path.string() + ": " + ec.message());
  }
}

} // namespace evt::config
