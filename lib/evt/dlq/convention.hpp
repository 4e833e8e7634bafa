#pragma once
// Dead-letter conventions: which framework wrote a dead letter, and the
// failure metadata its headers carry, decoded into one shape. Detection is
// per record (headers decide); a convention can also be forced. Header sets
// and encodings: man/evt-dlq.1 (CONVENTIONS).

#include "evt/config/dlq_section.hpp"
#include "evt/names.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evt::dlq {

// The frameworks whose dead letters evt reads.
enum class Convention {
  none,  // no known header set found
  evt,
  spring,
  spring_retry,
  spring_cloud_stream,
  connect,
  streams,
  smallrye,
  watermill,
  generic,
  custom,
};

// --convention's names ("auto" is no convention forced).
inline constexpr auto k_convention_names = make_name_table<Convention>({
    {"evt", Convention::evt},
    {"spring", Convention::spring},
    {"spring-retry", Convention::spring_retry},
    {"spring-cloud-stream", Convention::spring_cloud_stream},
    {"scst", Convention::spring_cloud_stream, true},
    {"connect", Convention::connect},
    {"streams", Convention::streams},
    {"smallrye", Convention::smallrye},
    {"quarkus", Convention::smallrye, true},
    {"watermill", Convention::watermill},
    {"generic", Convention::generic},
});

// A header mapping from the config file (dlq.conventions): the header that
// holds each field; numbers as decimal text or big-endian binary.
struct CustomConvention {
  std::string name;
  std::string original_topic;
  std::string original_partition;
  std::string original_offset;
  std::string original_timestamp;
  std::string group;
  std::string exception_class;
  std::string exception_message;
  std::string stack_trace;
  bool binary_numbers = false;
};

// The failure metadata of one dead letter. Unknown numbers are nullopt,
// unknown text empty; `problems` names every header that was present but
// did not decode (such a record is "undecodable").
struct DeadLetter {
  Convention convention = Convention::none;
  std::string convention_name;  // "spring", or a custom mapping's name
  std::string original_topic;
  std::optional<int32_t> original_partition;
  std::optional<int64_t> original_offset;
  std::optional<int64_t> original_timestamp;
  std::string group;
  std::string exception_class;
  std::string message;
  std::string cause_class;
  std::string stack_trace;
  std::optional<int64_t> attempts;  // Spring retry topics, evt
  std::string handler;              // Watermill's handler, Connect's connector/task, evt's handler
  std::vector<std::string> problems;
  bool decodable() const { return problems.empty(); }
};

// How to decode: a forced convention (nullopt: detect per record) and the
// custom mappings (tried first when detecting; forced by name).
struct DecodeOptions {
  std::optional<Convention> forced;
  std::string forced_custom;  // with forced == custom
  std::vector<CustomConvention> custom;
};

// Decodes the dead-letter metadata of a record read from `dlq_topic`.
DeadLetter decode_dead_letter(std::string_view dlq_topic, std::span<const HeaderView> headers,
                              const DecodeOptions& options);

// The convention's name ("spring", "connect", …; "none").
std::string_view convention_name(Convention c);

// True when `key` is a failure header of any known convention (dropped on
// re-drive unless --keep-headers); custom mappings' headers too. The
// generic names ("error", "original-topic", …) only with `generic_names`:
// applications use them for other things.
bool is_failure_header(std::string_view key, const std::vector<CustomConvention>& custom,
                       bool generic_names = true);

// The config file's mappings as custom conventions.
std::vector<CustomConvention> custom_conventions(const std::vector<config::DlqMapping>& mappings);

// Resolves --convention NAME against the built-in names and the custom
// mappings; throws UsageError for an unknown name.
DecodeOptions decode_options(std::string_view name, std::vector<CustomConvention> custom);

}  // namespace evt::dlq
