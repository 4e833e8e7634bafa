#pragma once
// The handler command: `--exec 'CMD ARGS…'` split into argv without a shell
// (quotes and backslashes as in sh, nothing expanded), or `sh -c CMD` with
// --shell.

#include <string>
#include <string_view>
#include <vector>

namespace evt::consume {

// Splits a command line into words: whitespace separates, '…' keeps text
// as is, "…" keeps text with \" \\ \$ \` escapes, a backslash outside
// quotes escapes the next character. No variables, globs or operators.
// Throws UsageError for an unterminated quote or an empty command.
std::vector<std::string> split_command(std::string_view command);

// argv for the handler: split_command(command), or {"/bin/sh", "-c", command}.
std::vector<std::string> handler_argv(std::string_view command, bool use_shell);

}  // namespace evt::consume

namespace evt::consume {

// Throws UsageError when argv[0] is neither an executable file (when it
// has a '/') nor an executable found on `path` (colon-separated), so a
// mistyped handler fails before joining the group, not on the first record.
void check_runnable(const std::vector<std::string>& argv, std::string_view path);

}  // namespace evt::consume
