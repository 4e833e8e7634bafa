#include "evt/publish/json.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace evt::publish {
namespace {

// Big enough for typical events, so the pool never has to ask for more.
constexpr size_t k_pool_bytes = 64 * 1024;

constexpr std::array<std::string_view, 10> k_record_fields = {
    "topic", "partition",  "offset", "timestamp",    "timestamp_type",
    "key",   "key_base64", "value",  "value_base64", "headers"};

}  // namespace

size_t json_nesting_depth(std::string_view text, size_t limit) {
  // Every line goes through here: the count of opening brackets bounds the
  // depth and is cheap (vectorised); walk the text only when it might be
  // deeper than the limit.
  const auto opening = static_cast<size_t>(std::count(text.begin(), text.end(), '{')) +
                       static_cast<size_t>(std::count(text.begin(), text.end(), '['));
  if (opening <= limit) {
    return opening;  // an upper bound, exact enough below the limit
  }
  size_t depth = 0;
  size_t deepest = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      // Skip the string, escapes included; a parser agrees on any valid
      // prefix, so it never nests deeper than counted here.
      while (p < end && *p != '"') {
        p += *p == '\\' ? 2 : 1;
      }
      ++p;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) {
          return limit + 1;
        }
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool is_record_line(const rapidjson::Value& v) {
  if (!v.IsObject() || (!v.HasMember("value") && !v.HasMember("value_base64"))) {
    return false;
  }
  return std::all_of(v.MemberBegin(), v.MemberEnd(), [](const auto& m) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    return std::find(k_record_fields.begin(), k_record_fields.end(), name) != k_record_fields.end();
  });
}

FastJson::FastJson()
    : m_buffer(new char[k_pool_bytes]),
      m_pool(std::make_unique<Pool>(m_buffer.get(), k_pool_bytes)),
      m_stack_buffer(new char[k_pool_bytes]),
      m_stack_pool(std::make_unique<Pool>(m_stack_buffer.get(), k_pool_bytes)),
      m_document(std::make_unique<Document>(m_pool.get(), 1024, m_stack_pool.get())) {}

FastJson::~FastJson() = default;

bool FastJson::parse(std::string_view text) {
  // RapidJSON takes a NUL as the end of the text and would accept what
  // follows one; nlohmann reports it.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
    return false;
  }
  // Values live in the pool; dropping the root first, then the pool's
  // extra chunks, makes each line start from the same warm buffer.
  m_document->SetNull();
  m_pool->Clear();
  // Nothing points into the stack pool between parses (the document frees
  // its empty stack after each parse, the reader dies with it).
  m_stack_pool->Clear();
  // The recursive parser is faster than the iterative one (which grows a
  // fresh stack per call); the depth bound keeps its recursion short.
  if (json_nesting_depth(text) > k_max_event_depth) {
    return false;
  }
  constexpr unsigned k_flags = rapidjson::kParseValidateEncodingFlag;
  m_document->Parse<k_flags>(text.data(), text.size());
  return !m_document->HasParseError();
}

}  // namespace evt::publish
