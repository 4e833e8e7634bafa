#include "evt/consume/handler_env.hpp"

#include "evt/codec/base64.hpp"
#include "evt/codec/cloudevents.hpp"
#include "evt/codec/json_text.hpp"
#include "evt/codec/record_line.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <string_view>

namespace evt::consume {
namespace {

constexpr std::array<std::string_view, 14> k_record_vars = {
    "EVT_TOPIC",        "EVT_PARTITION",      "EVT_OFFSET",      "EVT_KEY",       "EVT_KEY_BASE64",
    "EVT_TIMESTAMP",    "EVT_TIMESTAMP_TYPE", "EVT_HEADERS",     "EVT_GROUP",     "EVT_ATTEMPT",
    "EVT_MAX_ATTEMPTS", "EVT_FIRST_OFFSET",   "EVT_LAST_OFFSET", "EVT_BATCH_SIZE"};

bool is_record_var(std::string_view entry) {
  const auto eq = entry.find('=');
  const auto name = entry.substr(0, eq);
  if (name.starts_with("CE_")) {
    return true;
  }
  for (const auto v : k_record_vars) {
    if (name == v) {
      return true;
    }
  }
  return false;
}

void add(std::vector<std::string>& env, std::string_view name, std::string_view value) {
  // An environment entry ends at NUL: such a value cannot be passed exactly.
  if (value.find('\0') != std::string_view::npos) {
    return;
  }
  std::string e;
  e.reserve(name.size() + 1 + value.size());
  e.append(name).append("=").append(value);
  env.push_back(std::move(e));
}

std::string ce_var(std::string_view attribute) {
  std::string name = "CE_";
  for (const char c : attribute) {
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

void add_binary_attributes(std::vector<std::string>& env, const Record& r) {
  for (const auto& h : r.headers) {
    if (!h.value) {
      continue;
    }
    if (h.key.starts_with("ce_") && codec::is_valid_extension_name(std::string_view(h.key).substr(3))) {
      add(env, ce_var(std::string_view(h.key).substr(3)), *h.value);
    } else if (h.key == "content-type") {
      add(env, "CE_DATACONTENTTYPE", *h.value);
    }
  }
}

void add_structured_attributes(std::vector<std::string>& env, const Record& r) {
  if (!r.value) {
    return;
  }
  const auto j = nlohmann::json::parse(*r.value, nullptr, false);
  if (!j.is_object()) {
    return;
  }
  for (const auto& [name, v] : j.items()) {
    if (name == "data" || name == "data_base64" || !codec::is_valid_extension_name(name)) {
      continue;
    }
    if (v.is_string()) {
      add(env, ce_var(name), v.get_ref<const std::string&>());
    } else if (v.is_number() || v.is_boolean()) {
      add(env, ce_var(name), v.dump());
    }
  }
}

}  // namespace

std::vector<std::string> inherited_environment(const char* const* environ_entries) {
  std::vector<std::string> env;
  for (auto* e = environ_entries; e != nullptr && *e != nullptr; ++e) {
    if (!is_record_var(*e)) {
      env.emplace_back(*e);
    }
  }
  return env;
}

std::vector<std::string> handler_environment(const std::vector<std::string>& base, const Record& r,
                                             const HandlerContext& c) {
  std::vector<std::string> env;
  env.reserve(base.size() + 16);
  env = base;
  add(env, "EVT_TOPIC", r.topic);
  add(env, "EVT_PARTITION", std::to_string(r.partition));
  add(env, "EVT_OFFSET", std::to_string(r.offset));
  if (r.key) {
    if (codec::is_valid_utf8(*r.key) && r.key->find('\0') == std::string::npos) {
      add(env, "EVT_KEY", *r.key);
    } else {
      add(env, "EVT_KEY_BASE64", codec::base64_encode(*r.key));
    }
  }
  if (r.timestamp >= 0) {
    add(env, "EVT_TIMESTAMP", std::to_string(r.timestamp));
    add(env, "EVT_TIMESTAMP_TYPE",
        r.timestamp_type == TimestampType::log_append_time ? "log_append" : "create");
  }
  std::string headers;
  codec::append_headers_json(headers, r.headers);
  add(env, "EVT_HEADERS", headers);
  if (!c.group.empty()) {
    add(env, "EVT_GROUP", c.group);
  }
  add(env, "EVT_ATTEMPT", std::to_string(c.attempt));
  add(env, "EVT_MAX_ATTEMPTS", std::to_string(c.max_attempts));
  std::vector<HeaderView> views;
  if (codec::is_structured_cloudevent(view_of(r, views))) {
    add_structured_attributes(env, r);
  } else {
    add_binary_attributes(env, r);
  }
  return env;
}

std::vector<std::string> batch_environment(const std::vector<std::string>& base,
                                           const std::vector<const Record*>& records,
                                           const HandlerContext& c) {
  std::vector<std::string> env = base;
  if (!records.empty()) {
    add(env, "EVT_TOPIC", records.front()->topic);
    add(env, "EVT_PARTITION", std::to_string(records.front()->partition));
    add(env, "EVT_FIRST_OFFSET", std::to_string(records.front()->offset));
    add(env, "EVT_LAST_OFFSET", std::to_string(records.back()->offset));
  }
  add(env, "EVT_BATCH_SIZE", std::to_string(records.size()));
  if (!c.group.empty()) {
    add(env, "EVT_GROUP", c.group);
  }
  add(env, "EVT_ATTEMPT", std::to_string(c.attempt));
  add(env, "EVT_MAX_ATTEMPTS", std::to_string(c.max_attempts));
  return env;
}

}  // namespace evt::consume
