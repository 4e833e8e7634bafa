#include "dlq_options.hpp"

#include "choices.hpp"
#include "evt/config/config_file.hpp"
#include "evt/output/sink.hpp"
#include "evt/read/position.hpp"

#include <chrono>

namespace evt::cli {

void add_dlq_filters(CLI::App& sub, DlqOpts& o) {
  std::vector<std::string> conventions{"auto"};
  for (const auto& n : dlq::k_convention_names.names()) {
    conventions.push_back(n);
  }
  sub.add_option("--convention", o.convention,
                 "Read headers as this convention (auto: per record; or a mapping from the config file)")
      ->check(one_of(conventions, [](std::string_view s) { return std::optional<std::string>(s); }));
  sub.add_option("--original-topic", o.original_topics, "Only dead letters from this topic (repeatable)")
      ->check(existing_topic());
  sub.add_option("--exception", o.exceptions, "Only this exception class, full or simple name (repeatable)");
  sub.add_option("--message", o.messages, "Only failure messages matching this RE2 regex (repeatable)");
  sub.add_option("--since", o.since, "Only dead letters written at or after T (rpk time or duration: -2h)");
  sub.add_option("--until", o.until, "Only dead letters written before T");
  sub.add_option("--offsets", o.offsets, "Only dead-letter offsets N:M (M excluded), N: or :M");
  sub.add_option("--key", o.key, "Only records with exactly this key");
}

config::DlqSection dlq_config() {
  return config::load_config(config::default_config_path(), false).dlq;
}

dlq::DecodeOptions dlq_decode(const DlqOpts& o, const config::DlqSection& section) {
  return dlq::decode_options(o.convention, dlq::custom_conventions(section.mappings));
}

dlq::SelectSpec dlq_select(const DlqOpts& o) {
  dlq::SelectSpec s;
  s.original_topics = o.original_topics;
  s.exceptions = o.exceptions;
  for (const auto& m : o.messages) {
    s.messages.emplace_back(m);  // RE2: linear time whatever the message
  }
  s.key = o.key;
  const auto now = dlq_now_ms();
  if (!o.since.empty()) {
    s.since_ms = read::parse_time_point(o.since, now);
  }
  if (!o.until.empty()) {
    s.until_ms = read::parse_time_point(o.until, now);
  }
  if (!o.offsets.empty()) {
    dlq::parse_offset_range(o.offsets, s);
  }
  return s;
}

int64_t dlq_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void write_report(const std::string& text) {
  output::Sink out;
  out.write(text);
  out.close();
}

}  // namespace evt::cli
