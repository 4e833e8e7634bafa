#include "evt/kafka/native_headers.hpp"

#include "evt/kafka/handle.hpp"

#include <stdexcept>
#include <utility>

namespace evt::kafka {

NativeHeaders::~NativeHeaders() {
  reset();
}

NativeHeaders::NativeHeaders(NativeHeaders&& other) noexcept : m_list(std::exchange(other.m_list, nullptr)) {}

NativeHeaders& NativeHeaders::operator=(NativeHeaders&& other) noexcept {
  if (this != &other) {
    reset();
    m_list = std::exchange(other.m_list, nullptr);
  }
  return *this;
}

void NativeHeaders::add(std::string_view key, std::optional<std::string_view> value) {
  if (m_list == nullptr) {
    // Room for a consumed record's header and the two provenance headers.
    m_list = rd_kafka_headers_new(4);
  }
  // librdkafka copies name and value; a null value pointer is a null header.
  const auto err =
      rd_kafka_header_add(m_list, key.data(), static_cast<ssize_t>(key.size()),
                          value ? value->data() : nullptr, value ? static_cast<ssize_t>(value->size()) : 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Only a list librdkafka marked read-only (already produced) refuses.
    throw std::logic_error("NativeHeaders: the header list is read-only");
  }
}

void NativeHeaders::add_all(const std::vector<Header>& headers) {
  if (m_list == nullptr && !headers.empty()) {
    m_list = rd_kafka_headers_new(headers.size());
  }
  for (const auto& h : headers) {
    add(h.key, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt);
  }
}

size_t NativeHeaders::size() const {
  return m_list == nullptr ? 0 : rd_kafka_header_cnt(m_list);
}

void NativeHeaders::reset() {
  if (m_list != nullptr) {
    rd_kafka_headers_destroy(std::exchange(m_list, nullptr));
  }
}

void NativeHeaders::adopt(rd_kafka_headers_s* list) {
  reset();
  m_list = list;
}

rd_kafka_headers_s* NativeHeaders::release() {
  return std::exchange(m_list, nullptr);
}

}  // namespace evt::kafka
