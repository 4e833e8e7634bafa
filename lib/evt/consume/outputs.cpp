#include "evt/consume/outputs.hpp"

#include "evt/codec/cloudevents.hpp"
#include "evt/codec/record_line.hpp"

#include <nlohmann/json.hpp>

namespace evt::consume {
namespace {

const std::optional<std::string>* header(const Record& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.key == name) {
      return &h.value;
    }
  }
  return nullptr;
}

bool has_header(const Record& r, std::string_view name) {
  return header(r, name) != nullptr;
}

// An attribute of a structured CloudEvent input (a string), if any.
std::optional<std::string> structured_attribute(const Record& r, const char* name) {
  const auto* ct = header(r, "content-type");
  if (ct == nullptr || !*ct || !(*ct)->starts_with("application/cloudevents") || !r.value) {
    return std::nullopt;
  }
  const auto doc = nlohmann::json::parse(*r.value, nullptr, false);
  if (!doc.is_object()) {
    return std::nullopt;
  }
  const auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

// The input's value of a binary header, else of a structured attribute.
std::optional<std::string> attribute(const Record& r, const char* header_name, const char* attribute_name) {
  if (const auto* v = header(r, header_name); v != nullptr && *v) {
    return **v;
  }
  return structured_attribute(r, attribute_name);
}

// The same trace, a new span: 00-<trace id>-<new parent id>-<flags>.
std::string child_traceparent(const std::string& parent) {
  const std::string fresh = codec::new_traceparent();
  return parent.substr(0, 36) + fresh.substr(36, 16) + parent.substr(52);
}

}  // namespace

void propagate_context(Record& out, const Record& input) {
  if (!has_header(out, "ce_correlationid")) {
    auto correlation = attribute(input, "ce_correlationid", "correlationid");
    if (!correlation) {
      correlation = attribute(input, "ce_id", "id");
    }
    if (correlation) {
      out.headers.push_back({"ce_correlationid", *correlation});
    }
  }
  // W3C trace context travels as "traceparent" or as the CloudEvents
  // extension "ce_traceparent": the output gets what the input had.
  bool had_trace = false;
  for (const char* name : {"traceparent", "ce_traceparent"}) {
    const auto* v = header(input, name);
    if (v == nullptr || !*v || !codec::is_valid_traceparent(**v)) {
      continue;
    }
    had_trace = true;
    if (!has_header(out, name)) {
      out.headers.push_back({name, child_traceparent(**v)});
    }
  }
  if (!had_trace && !has_header(out, "ce_traceparent")) {
    if (const auto tp = structured_attribute(input, "traceparent"); tp && codec::is_valid_traceparent(*tp)) {
      out.headers.push_back({"ce_traceparent", child_traceparent(*tp)});
    }
  }
}

std::vector<Record> handler_outputs(std::string_view text, const Record& input, const std::string& topic) {
  std::vector<Record> records;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      continue;
    }
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      throw OutputError("stdout line " + std::to_string(line_no) + " is not JSON");
    }
    Record r;
    if (codec::is_record_line(j)) {
      try {
        r = codec::record_from_json(j);
      } catch (const codec::RecordLineError& e) {
        throw OutputError("stdout line " + std::to_string(line_no) + ": " + e.what());
      }
    } else {
      r.key = input.key;
      r.value = std::string(line);
    }
    r.topic = topic;
    r.partition = -1;
    r.offset = -1;
    propagate_context(r, input);
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace evt::consume
