// The pass/fail validator behind `evt publish --schema`. The schema is
// compiled exactly as validate.cpp does (valijson's compiled schema does not
// depend on the adapter it was read with); only the events are read through
// RapidJSON, which parses several times faster than nlohmann::json.
#include "evt/schema/fast_validate.hpp"

#include "evt/error.hpp"
#include "evt/schema/big_stack.hpp"
#include "evt/schema/compiled_check.hpp"
#include "evt/schema/json_schema_model.hpp"
#include "evt/schema/regex_guard.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <deque>

namespace evt::schema {

namespace fs = std::filesystem;
using nlohmann::json;

struct FastEventValidator::Impl {
  std::unique_ptr<CompiledCheck> compiled;  // null: the schema needs valijson
  valijson::Schema schema;
  std::deque<json> fetched;  // documents the schema refers to; alive as long as it
  bool regex = false;        // valijson uses std::regex for it (regex_guard.hpp)
};

FastEventValidator::FastEventValidator(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
FastEventValidator::FastEventValidator(FastEventValidator&&) noexcept = default;
FastEventValidator& FastEventValidator::operator=(FastEventValidator&&) noexcept = default;
FastEventValidator::~FastEventValidator() = default;

FastEventValidator FastEventValidator::from_file(const fs::path& schema_file) {
  const json document = read_json_file(schema_file, k_max_schema_bytes, k_max_schema_depth);
  const fs::path base_dir = folder_of(schema_file);
  auto impl = std::make_unique<Impl>();
  impl->compiled = CompiledCheck::compile(document);
  valijson::SchemaParser parser(detect_draft(document) == JsonDraft::draft4
                                    ? valijson::SchemaParser::kDraft4
                                    : valijson::SchemaParser::kDraft7);
  Impl* raw = impl.get();
  // EventValidator::from_file has already refused remote $refs; what is
  // left are sibling files.
  auto fetch = [raw, base_dir](const std::string& uri) -> const json* {
    if (base_dir.empty()) {
      throw UsageError("cannot resolve $ref \"" + uri + "\" without a schema file");
    }
    require_ref_inside(base_dir, base_dir / uri, uri, "schema");
    raw->fetched.push_back(read_json_file(base_dir / uri, k_max_schema_bytes, k_max_schema_depth));
    return &raw->fetched.back();
  };
  auto release = [](const json*) {};
  using Fns = valijson::SchemaParser::FunctionPtrs<valijson::adapters::NlohmannJsonAdapter>;
  try {
    run_with_big_stack([&] {
      valijson::adapters::NlohmannJsonAdapter adapter(document);
      parser.populateSchema(adapter, impl->schema, Fns::FetchDoc(fetch), Fns::FreeDoc(release));
    });
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(std::string("cannot use the schema: ") + e.what());
  }
  impl->regex = uses_std_regex(document, impl->fetched);
  return FastEventValidator(std::move(impl));
}

bool FastEventValidator::accepts(const rapidjson::Value& event) const {
  if (m_impl->compiled) {
    return m_impl->compiled->accepts(event);
  }
  if (m_impl->regex && text_over_regex_limit(event)) {
    return false;  // the full validator says why
  }
  // No results object: valijson stops at the first failure and builds no
  // error texts.
  valijson::Validator validator;
  valijson::adapters::RapidJsonAdapter adapter(event);
  return validator.validate(m_impl->schema, adapter, nullptr);
}

bool FastEventValidator::checks_scans() const {
  return m_impl->compiled != nullptr;
}

bool FastEventValidator::accepts(const codec::JsonScanner& scanned) const {
  return m_impl->compiled != nullptr && m_impl->compiled->accepts(scanned);
}

}  // namespace evt::schema
