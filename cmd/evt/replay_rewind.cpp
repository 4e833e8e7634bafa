// `evt replay --group G …`: the group-rewind mode of evt replay.
#include "replay_modes.hpp"

#include "evt/error.hpp"
#include "evt/replay/rewind.hpp"
#include "evt/replay/rewind_request.hpp"

#include <chrono>
#include <cstdio>

namespace evt::cli {

ExitCode run_rewind(const Globals& g, const ReplayOpts& o) {
  if (!o.sources.empty() || !o.to.empty()) {
    throw UsageError("--group rewinds a consumer group: it takes no source topics or --to",
                     "use -t TOPIC to limit it");
  }
  using namespace std::chrono;
  const int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const auto spec = replay::rewind_spec(
      {o.to_earliest, o.to_latest, o.to_offset, o.shift_by, o.to_time, o.by_duration, o.from_file}, now);
  std::vector<replay::RewindScope> scopes;
  for (const auto& s : o.scopes) {
    scopes.push_back(replay::parse_scope(s));
  }
  const bool json = output_format(g, {"text", "json"}, "text") == "json";
  const auto config = client_config(g);
  const auto plan = replay::plan_rewind(config, o.group, scopes, spec);
  for (const auto& n : plan.notes) {
    warn(n);
  }
  if (!o.export_file.empty()) {
    replay::write_export_csv(o.export_file, plan);
  }
  if (o.execute) {
    replay::apply_rewind(config, plan);
  }
  std::fputs(json ? replay::render_rewind_json(plan, o.execute).c_str() : replay::render_rewind(plan).c_str(),
             stdout);
  note(g, o.execute ? "moved group " + o.group + " on " + std::to_string(plan.rows.size()) + " partition(s)"
                    : "plan only: nothing changed (add --execute to apply)");
  return ExitCode::ok;
}

}  // namespace evt::cli
