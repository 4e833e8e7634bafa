// `evt replay --group G …`: the group-rewind mode of evt replay.
#include "replay_modes.hpp"

#include "evt/error.hpp"
#include "evt/read/position.hpp"
#include "evt/replay/rewind.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace evt::cli {
namespace {

replay::RewindSpec rewind_spec(const ReplayOpts& o) {
  using namespace std::chrono;
  const int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const int given = int{o.to_earliest} + int{o.to_latest} + int{o.to_offset.has_value()} +
                    int{o.shift_by.has_value()} + int{!o.to_time.empty()} + int{!o.by_duration.empty()} +
                    int{!o.from_file.empty()};
  if (given != 1) {
    throw UsageError(
        "--group needs exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, "
        "--to-time, --by-duration, --from-file");
  }
  replay::RewindSpec spec;
  if (o.to_latest) {
    spec.kind = replay::RewindKind::latest;
  } else if (o.to_offset) {
    spec = {replay::RewindKind::offset, *o.to_offset, {}};
  } else if (o.shift_by) {
    spec = {replay::RewindKind::shift, *o.shift_by, {}};
  } else if (!o.to_time.empty()) {
    spec = {replay::RewindKind::time, read::parse_time_point(o.to_time, now), {}};
  } else if (!o.by_duration.empty()) {
    const auto d = read::parse_duration(o.by_duration);
    if (!d) {
      throw UsageError("--by-duration: expected a duration such as 30m, 2h or 1d, got '" + o.by_duration +
                       "'");
    }
    spec = {replay::RewindKind::time, now - *d, {}};
  } else if (!o.from_file.empty()) {
    std::ifstream in(o.from_file, std::ios::binary);
    if (!in) {
      throw UsageError("cannot read '" + o.from_file + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    spec.kind = replay::RewindKind::from_file;
    spec.from_file = replay::parse_csv(text.str(), o.from_file);
  }
  return spec;
}

}  // namespace

ExitCode run_rewind(const Globals& g, const ReplayOpts& o) {
  if (!o.sources.empty() || !o.to.empty()) {
    throw UsageError("--group rewinds a consumer group: it takes no source topics or --to",
                     "use -t TOPIC to limit it");
  }
  const auto spec = rewind_spec(o);
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
    std::ofstream out(o.export_file, std::ios::binary | std::ios::trunc);
    out << replay::export_csv(plan);
    if (!out.flush()) {
      throw RuntimeError("cannot write '" + o.export_file + "': " + std::strerror(errno));
    }
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
