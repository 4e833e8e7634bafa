#include "evt/completion/shell_data.hpp"

namespace evt::completion {
namespace {

// One arm of a case table that prints `words`, one per line.
void print_arm(std::string& out, const std::string& pattern, const std::vector<std::string>& words) {
  if (words.empty()) {
    return;
  }
  out += "    " + sh_quote(pattern) + ") printf '%s\\n'";
  for (const auto& w : words) {
    out += " " + sh_quote(w);
  }
  out += " ;;\n";
}

std::vector<std::string> flags_where(const CommandSpec& c, bool values_only) {
  std::vector<std::string> flags;
  for (const auto& o : c.options) {
    if (!values_only || o.takes_value) {
      flags.insert(flags.end(), o.flags.begin(), o.flags.end());
    }
  }
  return flags;
}

}  // namespace

std::string sh_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string shell_data(const CliSpec& spec) {
  std::string out;
  out += "_evt_subcommands() {\n  case \"$1\" in\n";
  for (const auto& c : spec.commands) {
    print_arm(out, c.path, c.subcommands);
  }
  out += "  esac\n}\n\n_evt_options() {\n  case \"$1\" in\n";
  for (const auto& c : spec.commands) {
    print_arm(out, c.path, flags_where(c, false));
  }
  out += "  esac\n}\n\n_evt_value_options() {\n  case \"$1\" in\n";
  for (const auto& c : spec.commands) {
    print_arm(out, c.path, flags_where(c, true));
  }
  out += "  esac\n}\n\n_evt_choices() {\n  case \"$1|$2\" in\n";
  std::string topic_arms;
  std::string topic_positionals;
  for (const auto& c : spec.commands) {
    for (const auto& o : c.options) {
      for (const auto& f : o.flags) {
        print_arm(out, c.path + "|" + f, o.choices);
        if (o.topic) {
          topic_arms += (topic_arms.empty() ? "" : "|") + sh_quote(c.path + "|" + f);
        }
      }
    }
    if (c.topic_positional) {
      topic_positionals += (topic_positionals.empty() ? "" : "|") + sh_quote(c.path);
    }
  }
  out += "  esac\n}\n\n";
  out += "_evt_topic_option() {\n  case \"$1|$2\" in\n";
  if (!topic_arms.empty()) {
    out += "    " + topic_arms + ") return 0 ;;\n";
  }
  out += "  esac\n  return 1\n}\n\n";
  out += "_evt_topic_positional() {\n  case \"$1\" in\n";
  if (!topic_positionals.empty()) {
    out += "    " + topic_positionals + ") return 0 ;;\n";
  }
  out += "  esac\n  return 1\n}\n\n";
  out += R"SH(# True when the newline-separated list $1 holds the word $2.
_evt_has() {
  case "
$1
" in *"
$2
"*) return 0 ;; esac
  return 1
}

# Topic names from the cluster the typed flags point at; bounded by
# timeouts so a missing broker never blocks the shell.
_evt_topics() {
  local prog=$1
  shift
  command -v timeout >/dev/null 2>&1 || return 0
  timeout 3 "$prog" "$@" -q topics list -o json --timeout 1 2>/dev/null |
    sed -n 's/^ *"topic": "\(.*\)",\{0,1\}$/\1/p'
}

# Prints what may follow, one per line, or ":files" for file names.
# $1: index of the word being completed (the program is 0), then the words.
_evt_next() {
  local cword=$1 prog=$2 cmdpath="" w="" n=1 value_next=0
  local -a conn
  conn=()
  shift 2
  while [ "$n" -lt "$cword" ] && [ "$#" -gt 0 ]; do
    w=$1
    shift
    n=$((n + 1))
    if [ "$value_next" = 1 ]; then
      value_next=0
      continue
    fi
    case "$w" in
      -b|--brokers|--context|-X) [ "$n" -lt "$cword" ] && conn+=("$w" "$1") ;;
    esac
    case "$w" in
      -*=*) continue ;;
      -*)
        if _evt_has "$(_evt_value_options "$cmdpath")" "$w"; then value_next=1; fi
        continue ;;
    esac
    if _evt_has "$(_evt_subcommands "$cmdpath")" "$w"; then
      cmdpath=${cmdpath:+$cmdpath }$w
    fi
  done
  local cur=${1-}
  if [ "$value_next" = 1 ]; then
    if _evt_topic_option "$cmdpath" "$w"; then
      _evt_topics "$prog" "${conn[@]}"
      return
    fi
    local choices
    choices=$(_evt_choices "$cmdpath" "$w")
    if [ -n "$choices" ]; then printf '%s\n' "$choices"; else echo :files; fi
    return
  fi
  case "$cur" in
    -*) _evt_options "$cmdpath"; return ;;
  esac
  local subs
  subs=$(_evt_subcommands "$cmdpath")
  if [ -n "$subs" ]; then
    printf '%s\n' "$subs"
  elif _evt_topic_positional "$cmdpath"; then
    _evt_topics "$prog" "${conn[@]}"
  else
    echo :files
  fi
}
)SH";
  return out;
}

}  // namespace evt::completion
