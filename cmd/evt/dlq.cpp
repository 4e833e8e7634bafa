#include "dlq.hpp"

#include "choices.hpp"
#include "dlq_options.hpp"
#include "evt/dlq/render.hpp"
#include "evt/dlq/status.hpp"
#include "evt/error.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/read/position.hpp"

#include <memory>

namespace evt::cli {

// In dlq_redrive.cpp.
void add_dlq_inspect(CLI::App& dlq, Globals& g);
void add_dlq_redrive(CLI::App& dlq, Globals& g);

namespace {

ExitCode run_ls(const Globals& g, const DlqOpts& o, const CLI::App& sub) {
  const auto format = output_format(g, output_formats_of(sub), "text");
  const auto config = client_config(g);
  const auto topics = o.topics.empty() ? dlq::find_dlq_topics(config, dlq_config().topics) : o.topics;
  const auto statuses = dlq::topic_statuses(config, topics);
  const auto now = dlq_now_ms();
  const auto text =
      format == "json" ? dlq::render_status_json(statuses, now) : dlq::render_status_table(statuses, now);
  write_report(text);
  if (statuses.empty() && format == "text") {
    note(g,
         "no dead-letter topics found (names ending in .DLT, -dlt, .dlq, -dlq, -error…, or dlq.topics in the "
         "config file)");
  }
  return ExitCode::ok;
}

ExitCode run_check(const Globals& g, const DlqOpts& o, const CLI::App& sub) {
  const auto format = output_format(g, output_formats_of(sub), "text");
  dlq::CheckLimits limits;
  limits.max_records = o.max_records;
  if (!o.max_age.empty()) {
    const auto d = read::parse_duration(o.max_age);
    if (!d) {
      throw UsageError("invalid --max-age '" + o.max_age + "'", "use a duration such as 15m, 1h or 2d");
    }
    limits.max_age_ms = *d;
  }
  if (!limits.max_records && !limits.max_age_ms) {
    throw UsageError("evt dlq check needs --max-records or --max-age",
                     "e.g. evt dlq check orders.DLT --max-records 0");
  }
  const auto config = client_config(g);
  const auto statuses = dlq::topic_statuses(config, o.topics);
  const auto now = dlq_now_ms();
  std::vector<std::string> reasons;
  bool failed = false;
  for (const auto& s : statuses) {
    reasons.push_back(dlq::check_reason(s, limits, now));
    failed = failed || !reasons.back().empty();
  }
  if (format == "prometheus") {
    std::vector<std::vector<dlq::ErrorGroup>> groups;
    if (o.error_groups) {
      const auto decode = dlq_decode(o, dlq_config());
      for (const auto& s : statuses) {
        groups.push_back(dlq::pending_error_groups(config, s.topic, decode, timeout_ms(g)));
      }
    }
    write_report(dlq::render_check_prometheus(statuses, reasons, now, groups));
  } else {
    std::string text;
    for (size_t i = 0; i < statuses.size(); ++i) {
      text += output::terminal_safe(statuses[i].topic) + ": " +
              (reasons[i].empty() ? "ok (" + std::to_string(statuses[i].pending) + " to re-drive)"
                                  : "FAIL " + reasons[i]) +
              "\n";
    }
    write_report(text);
  }
  return failed ? ExitCode::no : ExitCode::ok;
}

}  // namespace

void add_dlq(CLI::App& root, Globals& g) {
  auto* dlq = root.add_subcommand("dlq", "Inspect dead-letter topics and re-drive them safely");
  dlq->require_subcommand(1);

  auto ls_opts = std::make_shared<DlqOpts>();
  auto* ls = dlq->add_subcommand("ls", "Dead-letter topics with counts, ages and what is left to re-drive");
  ls->add_option("topics", ls_opts->topics, "Topics to show (default: found by name or configured)")
      ->check(existing_topic());
  output_formats(*ls, k_text_json);
  ls->final_callback([&g, ls_opts, ls] { g.outcome = run_ls(g, *ls_opts, *ls); });

  auto check_opts = std::make_shared<DlqOpts>();
  auto* check =
      dlq->add_subcommand("check", "Exit 1 when dead-letter topics are over a threshold (alerting)");
  check->add_option("topics", check_opts->topics, "Dead-letter topics")->required()->check(existing_topic());
  check->add_option("--max-records", check_opts->max_records, "Fail above N records still to re-drive");
  check->add_option("--max-age", check_opts->max_age,
                    "Fail when a record to re-drive is newer than D (15m, 1h)");
  check->add_flag("--error-groups", check_opts->error_groups,
                  "With -o prometheus: a series per error group (reads what is left to re-drive)");
  output_formats(*check, {"text", "prometheus"});
  check->final_callback([&g, check_opts, check] { g.outcome = run_check(g, *check_opts, *check); });

  add_dlq_inspect(*dlq, g);
  add_dlq_redrive(*dlq, g);
}

}  // namespace evt::cli
