#pragma once
// The DOM side of `evt publish --schema` for schemas the compiled check
// cannot read from a scan (they need valijson): events parsed with
// RapidJSON into a reused memory pool (no allocation per line once warm),
// a nesting bound checked on the text, and the record-line test on the
// parsed value. nlohmann::json stays the reference for error messages.

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace evt::publish {

// Events nested deeper than this are refused before a schema check, whose
// recursion (valijson's) grows with the depth.
inline constexpr size_t k_max_event_depth = 256;

// At least the deepest nesting of arrays and objects in JSON text (the
// exact depth, strings skipped, when above `limit`: then limit + 1).
// 0 for text without arrays or objects.
size_t json_nesting_depth(std::string_view text, size_t limit = k_max_event_depth);

// codec::is_record_line for a RapidJSON value: an object with "value" or
// "value_base64" and only record-line fields.
bool is_record_line(const rapidjson::Value& value);

// One parsed line at a time, in a pool reused between lines.
class FastJson {
 public:
  FastJson();
  ~FastJson();
  FastJson(const FastJson&) = delete;
  FastJson& operator=(const FastJson&) = delete;

  // Parses strict JSON (valid UTF-8, one value); false when it is not, or
  // is nested deeper than k_max_event_depth (nlohmann then takes over).
  // The previous document is gone afterwards.
  bool parse(std::string_view text);

  // The value parsed last (valid after a successful parse()).
  const rapidjson::Value& root() const { return *m_document; }

 private:
  using Pool = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
  // The parse stacks live in a pool too: with the default allocator every
  // parse would malloc and free them (RapidJSON shrinks them after a parse).
  using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;
  std::unique_ptr<char[]> m_buffer;  // the pool's first chunk, reused
  std::unique_ptr<Pool> m_pool;
  std::unique_ptr<char[]> m_stack_buffer;  // the stack pool's first chunk
  std::unique_ptr<Pool> m_stack_pool;
  std::unique_ptr<Document> m_document;
};

}  // namespace evt::publish
