#pragma once
// Internal to dlq/: one decoder per convention over a record's headers,
// and the header lookups they share.

#include "evt/dlq/convention.hpp"
#include "evt/dlq/numbers.hpp"

namespace evt::dlq::detail {

// Looks headers up by name; null values count as absent.
class Headers {
 public:
  explicit Headers(std::span<const HeaderView> headers) : m_headers(headers) {}
  // The first occurrence (Spring: the true origin when headers repeat).
  std::optional<std::string_view> first(std::string_view key) const;
  // The last occurrence (the newest failure).
  std::optional<std::string_view> last(std::string_view key) const;
  bool has(std::string_view key) const;

 private:
  std::span<const HeaderView> m_headers;
};

// Fills `out` from the headers; numbers that do not decode add a problem
// naming the header.
class Filler {
 public:
  Filler(const Headers& h, DeadLetter& out) : m_h(h), m_out(out) {}
  // Text fields (first or last occurrence).
  void text(std::string& field, std::string_view key, bool first = false);
  // Number fields in the given encoding.
  enum class Enc { be32, be64, be_minimal, be_1_or_4, decimal };
  void number(std::optional<int32_t>& field, std::string_view key, Enc enc, bool first = false);
  void number(std::optional<int64_t>& field, std::string_view key, Enc enc, bool first = false);

 private:
  std::optional<int64_t> decode(std::string_view key, Enc enc, bool first);
  const Headers& m_h;
  DeadLetter& m_out;
};

void decode_evt(const Headers& h, DeadLetter& out);
void decode_spring(const Headers& h, DeadLetter& out);
void decode_spring_retry(std::string_view dlq_topic, const Headers& h, DeadLetter& out);
void decode_spring_cloud_stream(const Headers& h, DeadLetter& out);
void decode_connect(const Headers& h, DeadLetter& out);
void decode_streams(const Headers& h, DeadLetter& out);
void decode_smallrye(const Headers& h, DeadLetter& out);
void decode_watermill(const Headers& h, DeadLetter& out);
void decode_generic(const Headers& h, DeadLetter& out);
void decode_custom(const CustomConvention& c, const Headers& h, DeadLetter& out);

// The topic a Spring retry or dead-letter topic name was derived from
// ("orders-retry-2" -> "orders"); empty when the name has no such suffix.
std::string retry_origin(std::string_view topic);

}  // namespace evt::dlq::detail
