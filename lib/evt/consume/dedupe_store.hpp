#pragma once
// The ids of events a group handled successfully, in a local SQLite file
// (WAL mode: it survives restarts and SIGKILL, and processes of one group
// on this machine share it). Bounded by a window: ids older than a time, or
// all but the latest N.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace evt::consume {

// --dedupe-window: a time (ms) or a count of ids; one of them is set.
struct DedupeWindow {
  int64_t ms = 0;
  int64_t count = 0;
};

// Parses "24h", "30m" (a time) or "100000" (a count); throws UsageError.
DedupeWindow parse_dedupe_window(std::string_view text);

// The default store of a group: <state dir>/evt/dedupe/<group, escaped>.sqlite
// where the state dir is XDG_STATE_HOME or ~/.local/state.
std::string default_dedupe_store_path(std::string_view group);

// One open store. Throws RuntimeError naming the file on any SQLite failure.
class DedupeStore {
 public:
  // Opens (creating it) the store of `group` at `path`. Its directory is
  // created when `create_directory` (the default store); otherwise it must
  // exist (UsageError). A damaged file is a RuntimeError whose hint says
  // what the file is and to move it away.
  DedupeStore(const std::string& path, const std::string& group, DedupeWindow window,
              bool create_directory = true);
  ~DedupeStore();
  DedupeStore(const DedupeStore&) = delete;
  DedupeStore& operator=(const DedupeStore&) = delete;

  // True when `id` was recorded and is still inside the window.
  bool seen(std::string_view id);

  // Records `id` as handled now (written before it returns); prunes what
  // fell out of the window from time to time.
  void record(std::string_view id);

  // Removes every id outside the window now.
  void prune();

  const std::string& path() const { return m_path; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::string m_path;
  DedupeWindow m_window;
  uint64_t m_since_prune = 0;
};

}  // namespace evt::consume
