#include "evt/dlq/headers.hpp"

#include "evt/output/terminal_escape.hpp"

#include <charconv>

namespace evt::dlq {
namespace {

void add(std::vector<Header>& headers, std::string_view key, std::string value) {
  headers.push_back({std::string(key), std::move(value)});
}

template <typename T>
std::optional<T> number(const std::optional<std::string>& text) {
  if (!text) {
    return std::nullopt;
  }
  T v{};
  const auto* end = text->data() + text->size();
  const auto [p, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || p != end) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

std::string bounded_error_message(std::string_view text) {
  // Escaping can only grow the text: escape no more than the limit's worth.
  if (text.size() > k_error_message_limit) {
    text.remove_prefix(text.size() - k_error_message_limit);
  }
  std::string escaped = output::terminal_safe(text);
  if (escaped.size() > k_error_message_limit) {
    size_t cut = escaped.size() - k_error_message_limit;
    // Never start inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut < escaped.size() && (static_cast<unsigned char>(escaped[cut]) & 0xC0) == 0x80) {
      ++cut;
    }
    escaped.erase(0, cut);
  }
  return escaped;
}

std::string unescape_error_message(std::string_view escaped) {
  const auto hex = [](char c) -> int {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '\\' || i + 1 == escaped.size()) {
      out += c;
      continue;
    }
    const char n = escaped[i + 1];
    if (n == '\\' || n == 'n' || n == 't' || n == 'r') {
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : '\\';
      ++i;
    } else if (n == 'x' && i + 3 < escaped.size() && hex(escaped[i + 2]) >= 0 && hex(escaped[i + 3]) >= 0) {
      out += static_cast<char>(hex(escaped[i + 2]) * 16 + hex(escaped[i + 3]));
      i += 3;
    } else {
      out += c;
    }
  }
  return out;
}

Record dead_letter_record(const Record& original, const DeadLetterInfo& info, const std::string& dlq_topic) {
  Record r;
  r.topic = dlq_topic;
  r.partition = -1;
  r.key = original.key;
  r.value = original.value;
  for (const auto& h : original.headers) {
    if (!h.key.starts_with(k_prefix)) {
      r.headers.push_back(h);
    }
  }
  add(r.headers, k_version, "1");
  add(r.headers, k_original_topic, info.original_topic);
  add(r.headers, k_original_partition, std::to_string(info.original_partition));
  add(r.headers, k_original_offset, std::to_string(info.original_offset));
  if (info.original_timestamp >= 0) {
    add(r.headers, k_original_timestamp, std::to_string(info.original_timestamp));
    if (info.original_timestamp_type != TimestampType::none) {
      add(r.headers, k_original_timestamp_type,
          info.original_timestamp_type == TimestampType::log_append_time ? "log_append" : "create");
    }
  }
  add(r.headers, k_group, info.group);
  add(r.headers, k_error, info.error);
  add(r.headers, k_error_message, bounded_error_message(info.error_message));
  add(r.headers, k_attempts, std::to_string(info.attempts));
  if (info.exit_code) {
    add(r.headers, k_exit_code, std::to_string(*info.exit_code));
  }
  add(r.headers, k_handler, info.handler);
  add(r.headers, k_time, std::to_string(info.time_ms));
  return r;
}

std::optional<DeadLetterInfo> read_dead_letter_info(const std::vector<Header>& headers) {
  auto get = [&](std::string_view key) -> std::optional<std::string> {
    // The last occurrence wins: that is the newest dead-lettering.
    std::optional<std::string> found;
    for (const auto& h : headers) {
      if (h.key == key && h.value) {
        found = h.value;
      }
    }
    return found;
  };
  const auto topic = get(k_original_topic);
  if (!topic) {
    return std::nullopt;
  }
  DeadLetterInfo info;
  info.original_topic = *topic;
  info.original_partition = number<int32_t>(get(k_original_partition)).value_or(-1);
  info.original_offset = number<int64_t>(get(k_original_offset)).value_or(-1);
  info.original_timestamp = number<int64_t>(get(k_original_timestamp)).value_or(-1);
  const auto type = get(k_original_timestamp_type);
  info.original_timestamp_type = !type                   ? TimestampType::none
                                 : *type == "log_append" ? TimestampType::log_append_time
                                                         : TimestampType::create_time;
  info.group = get(k_group).value_or("");
  info.error = get(k_error).value_or("");
  info.error_message = get(k_error_message).value_or("");
  info.attempts = number<int>(get(k_attempts)).value_or(0);
  info.exit_code = number<int>(get(k_exit_code));
  info.handler = get(k_handler).value_or("");
  info.time_ms = number<int64_t>(get(k_time)).value_or(-1);
  return info;
}

}  // namespace evt::dlq
