#pragma once
// A record's headers in the client library's own form, so a copy can take
// them from a consumed record and hand them to the producer without
// decoding and re-encoding each header (evt replay's hot path). Free of
// librdkafka's definitions: the handle is only forward-declared.

#include "evt/record.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

struct rd_kafka_headers_s;

namespace evt::kafka {

// Owns a (possibly absent) librdkafka header list; move-only.
class NativeHeaders {
 public:
  NativeHeaders() = default;
  ~NativeHeaders();
  NativeHeaders(NativeHeaders&& other) noexcept;
  NativeHeaders& operator=(NativeHeaders&& other) noexcept;
  NativeHeaders(const NativeHeaders&) = delete;
  NativeHeaders& operator=(const NativeHeaders&) = delete;

  // Appends a header (nullopt value: a null header); creates the list when
  // there is none.
  void add(std::string_view key, std::optional<std::string_view> value);

  // Appends each of a record's headers, in order.
  void add_all(const std::vector<Header>& headers);

  // The number of headers held.
  size_t size() const;

  // Frees the headers held.
  void reset();

  // Internal to lib/evt/kafka: the list, and taking over / giving up ownership.
  rd_kafka_headers_s* get() const { return m_list; }
  void adopt(rd_kafka_headers_s* list);
  rd_kafka_headers_s* release();

 private:
  rd_kafka_headers_s* m_list = nullptr;
};

}  // namespace evt::kafka
