#pragma once
// The part of the bash and zsh scripts both shells run unchanged: the
// command tree as case tables and `_<prog>_next`, which prints what may
// follow the words typed so far.

#include "evt/completion/spec.hpp"

#include <string>
#include <string_view>

namespace evt::completion {

// `text` as one single-quoted word for sh, bash and zsh.
std::string sh_quote(std::string_view text);

// The case tables and the `_evt_next` function (POSIX syntax plus `local`).
std::string shell_data(const CliSpec& spec);

}  // namespace evt::completion
