// Reads an old revision of the schema folder through the git command line:
// one `ls-tree` and one `cat-file --batch`, so a repository of thousands of
// subjects costs two processes, not one per file.
#include "evt/schema/git_revision.hpp"

#include <sys/wait.h>

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "evt/error.hpp"

namespace evt::schema {

namespace fs = std::filesystem;

namespace {

// Quotes one argument for /bin/sh.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct CommandResult {
  int status;
  std::string out;
};

CommandResult run(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) {
    throw RuntimeError("cannot run git: " + std::string(std::strerror(errno)));
  }
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
    out.append(buf, n);
  }
  int status = ::pclose(pipe);
  // The shell answers 127 when it cannot find git: say so rather than
  // blaming the folder or the revision.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    throw RuntimeError("cannot run git: command not found");
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

RevisionTree read_revision_tree(const fs::path& dir, const std::string& revision) {
  if (revision.empty() || revision[0] == '-') {
    throw UsageError("invalid git revision '" + revision + "'");
  }
  const std::string git = "git -C " + sh_quote(dir.string());
  auto top = run(git + " rev-parse --show-prefix");
  if (top.status != 0) {
    throw UsageError(dir.string() + " is not inside a git work tree",
                     "--against compares with a git revision; run it in a clone");
  }
  const std::string prefix = trim(top.out);  // "schemas/orders/" or ""
  auto verify = run(git + " rev-parse --verify --quiet " + sh_quote(revision + "^{commit}"));
  if (verify.status != 0) {
    throw UsageError("unknown git revision '" + revision + "'",
                     "fetch it first (e.g. git fetch origin main) or name an existing branch, tag or commit");
  }
  const std::string commit = trim(verify.out);

  RevisionTree tree;
  auto listing =
      run(git + " ls-tree -r -z --name-only --full-name " + sh_quote(commit) + " -- " + sh_quote("."));
  if (listing.status != 0) {
    return tree;  // the folder did not exist then
  }
  std::vector<std::string> paths;
  std::size_t start = 0;
  for (std::size_t i = 0; i < listing.out.size(); ++i) {
    if (listing.out[i] != '\0') {
      continue;
    }
    paths.push_back(listing.out.substr(start, i - start));
    start = i + 1;
  }
  if (paths.empty()) {
    return tree;
  }

  // Batch the reads through a request file.
  char tmpl[] = "/tmp/evt-schema-git-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) {
    throw RuntimeError("cannot create a temporary file");
  }
  ::close(fd);
  {
    std::ofstream req(tmpl, std::ios::binary);
    for (const auto& p : paths) {
      req << commit << ":" << p << "\n";
    }
    req.close();
    if (!req) {
      fs::remove(tmpl);
      throw RuntimeError(std::string("cannot write ") + tmpl);
    }
  }
  auto batch = run(git + " cat-file --batch < " + sh_quote(tmpl));
  fs::remove(tmpl);
  if (batch.status != 0) {
    throw RuntimeError("git cat-file failed while reading " + revision);
  }
  std::size_t pos = 0;
  for (const auto& p : paths) {
    auto eol = batch.out.find('\n', pos);
    if (eol == std::string::npos) {
      break;
    }
    std::istringstream header(batch.out.substr(pos, eol - pos));
    std::string sha, type;
    std::size_t size = 0;
    header >> sha >> type >> size;
    pos = eol + 1;
    if (type != "blob") {
      continue;
    }
    std::string rel = p.substr(prefix.size());
    tree.files[rel] = batch.out.substr(pos, size);
    pos += size + 1;  // contents end with a newline
  }
  return tree;
}

}  // namespace evt::schema
