#include "evt/tail/writer.hpp"

#include "evt/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace evt::tail {
namespace {

output::FormatOptions capture_options() {
  output::FormatOptions f;
  f.style = output::RecordStyle::jsonl;
  return f;
}

}  // namespace

const std::vector<std::string>& stdout_styles() {
  static const std::vector<std::string> k_styles = output::k_record_styles.names();
  return k_styles;
}

std::optional<std::string> stdout_fallback(const std::string& output_flag, const std::string& template_text,
                                           bool out_file, bool terminal) {
  if (!template_text.empty() && !output_flag.empty() && output_flag != "template") {
    throw UsageError("-f/--format is a template: it cannot be combined with -o " + output_flag);
  }
  if (out_file && output_flag.empty() && template_text.empty()) {
    return std::nullopt;  // --out alone: records go to the file only
  }
  return !template_text.empty() ? "template" : terminal ? "pretty" : "jsonl";
}

std::unique_ptr<output::RecordFormatter> stdout_formatter(const std::string& style,
                                                          const std::string& template_text, bool color,
                                                          bool terminal, const std::string& binary) {
  if (style == "template" && template_text.empty()) {
    throw UsageError("-o template needs a template", "give one with -f, e.g. -f '%t/%p@%o %k %s\\n'");
  }
  output::FormatOptions f;
  f.style = *output::parse_record_style(style);
  f.color = color;
  f.terminal_safe = terminal;
  f.binary = output::parse_binary_display(binary);
  f.template_text = template_text;
  return std::make_unique<output::RecordFormatter>(f);
}

std::unique_ptr<output::Sink> open_capture_file(const std::string& path) {
  return output::Sink::open_file(path);
}

BatchWriter::BatchWriter(std::unique_ptr<output::RecordFormatter> shown, output::Sink* stdout_sink,
                         output::Sink* file_sink)
    : m_shown(std::move(shown)), m_stdout(stdout_sink), m_file(file_sink), m_capture(capture_options()) {}

void BatchWriter::record(const RecordView& r) {
  if (m_shown) {
    m_shown->append(m_buffer, r);
  }
  if (m_file != nullptr) {
    m_capture.append(m_file_buffer, r);
  }
}

void BatchWriter::batch_done() {
  if (m_file != nullptr) {
    m_file->write(m_file_buffer);
    m_file_buffer.clear();
    m_file->flush();
  }
  if (m_shown) {
    m_stdout->write(m_buffer);
    m_buffer.clear();
    m_stdout->flush();
  }
}

void BatchWriter::batch_dropped() {
  m_buffer.clear();
  m_file_buffer.clear();
}

bool BatchWriter::needs_headers() const {
  return m_file != nullptr || (m_shown && m_shown->needs_headers());
}

}  // namespace evt::tail
