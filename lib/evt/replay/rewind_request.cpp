#include "evt/replay/rewind_request.hpp"

#include "evt/error.hpp"
#include "evt/read/position.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace evt::replay {

RewindSpec rewind_spec(const RewindChoice& c, int64_t now_ms) {
  const int given = int{c.earliest} + int{c.latest} + int{c.offset.has_value()} + int{c.shift.has_value()} +
                    int{!c.time.empty()} + int{!c.duration.empty()} + int{!c.from_file.empty()};
  if (given != 1) {
    throw UsageError(
        "--group needs exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, "
        "--to-time, --by-duration, --from-file");
  }
  RewindSpec spec;
  if (c.latest) {
    spec.kind = RewindKind::latest;
  } else if (c.offset) {
    spec = {RewindKind::offset, *c.offset, {}};
  } else if (c.shift) {
    spec = {RewindKind::shift, *c.shift, {}};
  } else if (!c.time.empty()) {
    spec = {RewindKind::time, read::parse_time_point(c.time, now_ms), {}};
  } else if (!c.duration.empty()) {
    const auto d = read::parse_duration(c.duration);
    if (!d) {
      throw UsageError("--by-duration: expected a duration such as 30m, 2h or 1d, got '" + c.duration + "'");
    }
    spec = {RewindKind::time, now_ms - *d, {}};
  } else if (!c.from_file.empty()) {
    std::ifstream in(c.from_file, std::ios::binary);
    if (!in) {
      throw UsageError("cannot read '" + c.from_file + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    spec.kind = RewindKind::from_file;
    spec.from_file = parse_csv(text.str(), c.from_file);
  }
  return spec;
}

void write_export_csv(const std::string& path, const RewindPlan& plan) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << export_csv(plan);
  if (!out.flush()) {
    throw RuntimeError("cannot write '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace evt::replay
