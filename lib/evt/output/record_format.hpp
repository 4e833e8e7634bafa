#pragma once
// How `evt tail` shows records: pretty blocks for people, the lossless
// record line (jsonl), raw values, or a kcat-style template. Everything from
// the network is escaped before it can reach a terminal.

#include "evt/names.hpp"
#include "evt/output/record_template.hpp"
#include "evt/record.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::output {

// The output styles of `evt tail -o`.
enum class RecordStyle { pretty, jsonl, raw, templated };

// How bytes that are not printable UTF-8 are shown.
enum class BinaryDisplay { escape, hex, base64 };

// Options for a RecordFormatter.
struct FormatOptions {
  RecordStyle style = RecordStyle::jsonl;
  bool color = false;          // ANSI colours in pretty output
  bool terminal_safe = false;  // raw/template: escape network bytes (stdout is a terminal)
  BinaryDisplay binary = BinaryDisplay::escape;
  std::string template_text;  // for RecordStyle::templated
};

// The names of `evt tail -o`.
inline constexpr auto k_record_styles = make_name_table<RecordStyle>({{"pretty", RecordStyle::pretty},
                                                                      {"jsonl", RecordStyle::jsonl},
                                                                      {"raw", RecordStyle::raw},
                                                                      {"template", RecordStyle::templated}});

// The names of --binary.
inline constexpr auto k_binary_displays = make_name_table<BinaryDisplay>(
    {{"escape", BinaryDisplay::escape}, {"hex", BinaryDisplay::hex}, {"base64", BinaryDisplay::base64}});

// Parses a name of k_record_styles; nullopt otherwise.
std::optional<RecordStyle> parse_record_style(std::string_view name);

// Parses a name of k_binary_displays; throws UsageError otherwise.
BinaryDisplay parse_binary_display(std::string_view name);

// Formats records into a caller-owned buffer (one buffer per batch).
class RecordFormatter {
 public:
  // Throws UsageError when the template is invalid.
  explicit RecordFormatter(FormatOptions options);

  // Appends one record in the chosen style.
  void append(std::string& out, const RecordView& record);

  // True when the style shows headers (the poll must decode them).
  bool needs_headers() const;

 private:
  void append_pretty(std::string& out, const RecordView& record) const;
  void append_template(std::string& out, const RecordView& record) const;

  FormatOptions m_options;
  std::vector<TemplatePiece> m_template;
  Record m_scratch;  // reused for record lines, so jsonl allocates nothing once warm
};

// Appends bytes for display: encoded as hex/base64 when they are not
// printable UTF-8 and `binary` asks for it; terminal-escaped when `escape`;
// otherwise verbatim.
void append_display_bytes(std::string& out, std::string_view bytes, bool escape, BinaryDisplay binary);

// Appends a timestamp in ms as RFC 3339 UTC with milliseconds
// (2026-11-20T10:00:00.123Z); "-" when negative (no timestamp).
void append_rfc3339_ms(std::string& out, int64_t ms);

// Appends a decimal integer.
void append_decimal(std::string& out, int64_t v);

}  // namespace evt::output
