#include "evt/publish/schema.hpp"

#include "evt/error.hpp"
#include "evt/schema/repository.hpp"

namespace evt::publish {

namespace fs = std::filesystem;

SchemaCheck SchemaCheck::from_file(const fs::path& file) {
  // The full validator first: it refuses what valijson cannot enforce.
  auto full = schema::EventValidator::from_file(file);
  return SchemaCheck{std::move(full), schema::FastEventValidator::from_file(file)};
}

SchemaSelector SchemaSelector::from_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw UsageError("schema file '" + file.string() + "' does not exist");
  }
  SchemaSelector s;
  s.m_single.emplace(SchemaCheck::from_file(file));
  return s;
}

SchemaSelector SchemaSelector::from_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw UsageError("schema directory '" + dir.string() + "' does not exist",
                     "--schema-dir wants a folder with one subfolder per event type (v1.json, v2.json, …)");
  }
  SchemaSelector s;
  s.m_dir = dir;
  return s;
}

std::optional<fs::path> SchemaSelector::schema_file_for(const std::string& type) const {
  // The type names a folder: refuse anything that could leave the repository.
  if (type.empty() || type == "." || type == ".." || type.find('/') != std::string::npos ||
      type.find('\\') != std::string::npos || type.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  const auto versions = schema::version_files(m_dir / type);
  if (versions.empty()) {
    return std::nullopt;
  }
  return versions.back();
}

const SchemaCheck* SchemaSelector::find(const std::string& type, std::string& why) {
  if (m_single) {
    return &*m_single;
  }
  if (const auto it = m_cache.find(type); it != m_cache.end()) {
    if (!it->second) {
      why = m_missing[type];
    }
    return it->second.get();
  }
  std::unique_ptr<SchemaCheck> validator;
  if (type.empty()) {
    why = "the event has no type to find its schema in " + m_dir.string() +
          " (give --type, or a ce_type header in the record line)";
  } else if (const auto file = schema_file_for(type); !file) {
    why = "no schema for event type '" + type + "' in " + m_dir.string();
  } else if (file->extension() != ".json") {
    why = "the latest schema of '" + type + "' (" + file->string() + ") is not a JSON Schema";
  } else {
    validator = std::make_unique<SchemaCheck>(SchemaCheck::from_file(*file));
  }
  if (!validator) {
    m_missing[type] = why;
  }
  const auto* result = validator.get();
  m_cache.emplace(type, std::move(validator));
  return result;
}

}  // namespace evt::publish
