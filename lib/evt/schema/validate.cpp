// Event validation with valijson. evt resolves sibling-file $refs itself and
// refuses remote ones, so validating never touches the network.
#include "evt/schema/validate.hpp"

#include <deque>
#include <regex>
#include "evt/output/terminal_escape.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "evt/codec/record_line.hpp"
#include "evt/error.hpp"
#include "evt/read/input.hpp"
#include "evt/schema/big_stack.hpp"
#include "evt/schema/compiled_check.hpp"
#include "evt/schema/json_schema_model.hpp"
#include "evt/schema/regex_guard.hpp"
#include "evt/signals.hpp"

namespace evt::schema {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// valijson's context is {"<root>", "[name]", "[0]", …}.
std::string to_pointer(const std::vector<std::string>& context) {
  std::string p;
  for (const auto& c : context) {
    if (c == "<root>") {
      continue;
    }
    std::string token = c.size() >= 2 && c.front() == '[' && c.back() == ']' ? c.substr(1, c.size() - 2) : c;
    p += "/" + escape_pointer_token(token);
  }
  return p;
}

// Keywords valijson (drafts 4 to 7) would silently ignore, so events that
// break them would pass: evt refuses the schema instead of passing them.
const char* unenforced_keyword(const json& schema, std::string& where, const std::string& ptr = "") {
  static const char* const k_unenforced[] = {"unevaluatedProperties", "unevaluatedItems", "prefixItems",
                                             "dependentRequired",     "dependentSchemas", "minContains",
                                             "maxContains",           "$dynamicRef",      "$recursiveRef"};
  if (schema.is_array()) {
    for (std::size_t i = 0; i < schema.size(); ++i) {
      if (const char* k = unenforced_keyword(schema[i], where, ptr + "/" + std::to_string(i))) {
        return k;
      }
    }
    return nullptr;
  }
  if (!schema.is_object()) {
    return nullptr;
  }
  for (const char* k : k_unenforced) {
    if (schema.contains(k)) {
      where = ptr.empty() ? "/" : ptr;
      return k;
    }
  }
  for (const auto& [key, value] : schema.items()) {
    if (key == "enum" || key == "const" || key == "default" || key == "examples") {
      continue;  // data, not schemas
    }
    const std::string here = ptr + "/" + escape_pointer_token(key);
    if (key == "properties" || key == "patternProperties" || key == "definitions" || key == "$defs" ||
        key == "dependencies") {
      // Maps from names to schemas: the names are not keywords.
      if (!value.is_object()) {
        continue;
      }
      for (const auto& [name, sub] : value.items()) {
        if (const char* k = unenforced_keyword(sub, where, here + "/" + escape_pointer_token(name))) {
          return k;
        }
      }
    } else if (const char* k = unenforced_keyword(value, where, here)) {
      return k;
    }
  }
  return nullptr;
}

void refuse_unenforced(const json& schema, const std::string& origin) {
  std::string where;
  if (const char* k = unenforced_keyword(schema, where)) {
    throw UsageError(
        origin + "#" + where + ": evt schema validate cannot enforce \"" + k +
            "\" (JSON Schema 2019-09/2020-12), so events breaking it would pass",
        "express the rule with draft-07 keywords (items as an array + additionalItems, dependencies, "
        "additionalProperties); evt schema check does understand it");
  }
}

}  // namespace

json LineResult::errors_json() const {
  json a = json::array();
  for (const auto& e : errors) {
    a.push_back({{"pointer", e.pointer}, {"reason", e.reason}});
  }
  return a;
}

std::string format_line_error(const std::string& input, std::size_t line, const EventError& error) {
  // The pointer holds the event's field names and the reason may quote its
  // values: both come from the data (often the network), so escape them.
  return output::terminal_safe(input == "-" ? std::string("<stdin>") : input) + ":" + std::to_string(line) +
         ": " + output::terminal_safe(error.pointer.empty() ? "/" : error.pointer) + ": " +
         output::terminal_safe(error.reason);
}

struct EventValidator::Impl {
  valijson::Schema schema;
  // The same schema compiled to a hashed, allocation-free check when it only
  // uses common keywords: a valid event costs one lookup per enum however
  // long the enum is (valijson compares enum members one by one). valijson
  // still runs for events the check rejects, to say why.
  std::unique_ptr<CompiledCheck> compiled;
  std::deque<json> fetched;  // documents valijson fetched through us; alive as long as the schema
  bool regex = false;        // valijson uses std::regex for it (regex_guard.hpp)
};

EventValidator::EventValidator(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
EventValidator::EventValidator(EventValidator&&) noexcept = default;
EventValidator& EventValidator::operator=(EventValidator&&) noexcept = default;
EventValidator::~EventValidator() = default;

EventValidator EventValidator::from_file(const fs::path& schema_file) {
  // evt's own loader first: it resolves every $ref (refusing remote ones),
  // and bounds nesting counted across $ref hops, which valijson does not.
  load_json_schema_file(schema_file);
  json document = read_json_file(schema_file, k_max_schema_bytes, k_max_schema_depth);
  refuse_unenforced(document, schema_file.string());
  return from_json(document, folder_of(schema_file));
}

EventValidator EventValidator::from_json(const json& document, const fs::path& base_dir) {
  load_json_schema(document, base_dir);
  refuse_unenforced(document, "schema");
  auto impl = std::make_unique<Impl>();
  const JsonDraft draft = detect_draft(document);
  valijson::SchemaParser parser(draft == JsonDraft::draft4 ? valijson::SchemaParser::kDraft4
                                                           : valijson::SchemaParser::kDraft7);
  static const std::regex k_scheme("^[A-Za-z][A-Za-z0-9+.-]*:");
  Impl* raw = impl.get();
  auto fetch = [raw, base_dir](const std::string& uri) -> const json* {
    if (std::regex_search(uri, k_scheme) || uri.rfind("//", 0) == 0) {
      throw UsageError("schema $ref \"" + uri + "\" points to a remote location, which evt never fetches",
                       "copy the referenced schema next to this file and use a relative $ref");
    }
    if (base_dir.empty()) {
      throw UsageError("cannot resolve $ref \"" + uri + "\" without a schema file");
    }
    require_ref_inside(base_dir, base_dir / uri, uri, "schema");
    raw->fetched.push_back(read_json_file(base_dir / uri, k_max_schema_bytes, k_max_schema_depth));
    refuse_unenforced(raw->fetched.back(), (base_dir / uri).string());
    return &raw->fetched.back();
  };
  auto release = [](const json*) {};
  try {
    // valijson parses recursively with large frames: give it room.
    run_with_big_stack([&] {
      valijson::adapters::NlohmannJsonAdapter adapter(document);
      parser.populateSchema(
          adapter, impl->schema,
          valijson::SchemaParser::FunctionPtrs<valijson::adapters::NlohmannJsonAdapter>::FetchDoc(fetch),
          valijson::SchemaParser::FunctionPtrs<valijson::adapters::NlohmannJsonAdapter>::FreeDoc(release));
    });
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(std::string("cannot use the schema: ") + e.what());
  }
  if (draft != JsonDraft::draft4) {
    impl->compiled = CompiledCheck::compile(document);
  }
  impl->regex = uses_std_regex(document, impl->fetched);
  return EventValidator(std::move(impl));
}

std::vector<EventError> EventValidator::validate(const json& event) const {
  if (m_impl->compiled) {
    const std::string text = event.dump(-1, ' ', false, json::error_handler_t::replace);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (!doc.HasParseError() && m_impl->compiled->accepts(doc)) {
      return {};
    }
  }
  if (m_impl->regex) {
    if (const auto bytes = text_over_regex_limit(event)) {
      return {{"", regex_limit_message(*bytes)}};
    }
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(event);
  std::vector<EventError> errors;
  if (validator.validate(m_impl->schema, adapter, &results)) {
    return errors;
  }
  valijson::ValidationResults::Error e;
  std::vector<EventError> all;
  while (results.popError(e)) {
    all.push_back({to_pointer(e.context), e.description});
  }
  // valijson also reports every enclosing schema that failed because of a
  // nested one ("Failed to validate against schema associated with
  // property…"); keep the specific reasons.
  for (const auto& err : all) {
    if (err.reason.rfind("Failed to validate", 0) != 0) {
      errors.push_back(err);
    }
  }
  if (errors.empty()) {
    errors = all;
  }
  return errors;
}

ValidationSummary EventValidator::validate_stream(
    read::LineReader& reader, const std::function<void(const LineResult&)>& on_invalid) const {
  ValidationSummary summary;
  // valijson validates recursively: deep events against recursive schemas
  // need more stack than the main thread may have.
  run_with_big_stack([&] { summary = validate_lines(reader, on_invalid); });
  return summary;
}

ValidationSummary EventValidator::validate_lines(
    read::LineReader& reader, const std::function<void(const LineResult&)>& on_invalid) const {
  ValidationSummary summary;
  std::string_view view;
  std::string line;
  while (reader.next(view)) {
    if (interrupted()) {
      break;
    }
    const uint64_t number = reader.line_number();
    if (reader.too_long()) {
      ++summary.lines;
      ++summary.not_json;
      LineResult result;
      result.line = number;
      result.not_json = true;
      result.errors.push_back({"", "not JSON: the line is longer than " + std::to_string(view.size()) +
                                       " bytes (the limit; the rest was skipped unread)"});
      on_invalid(result);
      continue;
    }
    line.assign(view);
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos) {
      continue;
    }
    ++summary.lines;
    LineResult result;
    result.line = number;
    json event;
    try {
      event = parse_json_text(line, "line " + std::to_string(number), k_max_schema_depth);
      if (codec::is_record_line(event)) {
        Record record = codec::record_from_json(event);
        if (!record.value) {
          continue;  // a tombstone carries no event
        }
        event = parse_json_text(*record.value, "value on line " + std::to_string(number), k_max_schema_depth);
      }
    } catch (const std::exception& e) {
      ++summary.not_json;
      result.not_json = true;
      result.errors.push_back({"", std::string("not JSON: ") + e.what()});
      on_invalid(result);
      continue;
    }
    {
      // valijson cannot be stopped from outside, and some schemas make it
      // exponential in the event's nesting (nested anyOf over recursive
      // $refs): Ctrl-C/SIGTERM during one event ends the command at once
      // (exit 130) instead of waiting for it. Nothing is in flight here.
      ExitOnInterrupt exit_on_interrupt;
      result.errors = validate(event);
    }
    if (result.errors.empty()) {
      continue;
    }
    ++summary.invalid;
    on_invalid(result);
  }
  if (interrupted()) {
    throw Interrupted();
  }
  return summary;
}

}  // namespace evt::schema
