#pragma once
// Where `evt tail` puts matching records: formatted on stdout and/or as
// record lines in an --out file, one buffer and one write per batch; and
// the choice of the stdout format from -o, -f and the terminal.

#include "evt/output/record_format.hpp"
#include "evt/output/sink.hpp"
#include "evt/tail/tail.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::tail {

// The record styles `evt tail -o` accepts.
const std::vector<std::string>& stdout_styles();

// The style stdout falls back to without -o: "template" with -f, "pretty"
// on a terminal, else "jsonl"; nullopt when --out alone sends records to
// the file only. Throws UsageError for -f with an -o other than template.
std::optional<std::string> stdout_fallback(const std::string& output_flag, const std::string& template_text,
                                           bool out_file, bool terminal);

// A formatter for stdout in `style` (one of stdout_styles()); throws
// UsageError for "template" without a template, or an invalid one.
std::unique_ptr<output::RecordFormatter> stdout_formatter(const std::string& style,
                                                          const std::string& template_text, bool color,
                                                          bool terminal, const std::string& binary);

// Opens the --out file for writing (truncated); throws UsageError naming it.
std::unique_ptr<output::Sink> open_capture_file(const std::string& path);

// Formats matching records into one buffer per batch and writes it with
// one write per batch to stdout and/or the capture file.
class BatchWriter : public TailOutput {
 public:
  // `shown` null: nothing on stdout; `file_sink` null: no capture.
  BatchWriter(std::unique_ptr<output::RecordFormatter> shown, output::Sink* stdout_sink,
              output::Sink* file_sink);

  void record(const RecordView& r) override;
  void batch_done() override;
  void batch_dropped() override;

  // True when the output shows headers (the poll must decode them).
  bool needs_headers() const;

 private:
  std::unique_ptr<output::RecordFormatter> m_shown;
  output::Sink* m_stdout;
  output::Sink* m_file;
  output::RecordFormatter m_capture;
  std::string m_buffer;
  std::string m_file_buffer;
};

}  // namespace evt::tail
