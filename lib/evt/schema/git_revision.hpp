#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace evt::schema {

// The files under one folder of a git revision, read through the `git`
// command: path relative to that folder -> contents.
struct RevisionTree {
  std::map<std::string, std::string> files;
};

// Reads every file under `dir` (inside a git work tree) as it was at
// `revision`. Throws UsageError (exit 2) when `dir` is not in a repository
// or the revision is unknown, RuntimeError (exit 3) when git cannot be run.
RevisionTree read_revision_tree(const std::filesystem::path& dir, const std::string& revision);

}  // namespace evt::schema
