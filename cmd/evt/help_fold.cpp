#include "help_fold.hpp"

#include <algorithm>
#include <sstream>

namespace evt::cli {
namespace {

class FoldingFormatter : public CLI::Formatter {
 public:
  explicit FoldingFormatter(std::vector<HelpFold> folds) : m_folds(std::move(folds)) {}

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const auto& names = opt->get_lnames();
    if (is_positional || names.empty()) {
      return CLI::Formatter::make_option(opt, is_positional);
    }
    const std::string flag = "--" + names.front();
    for (const auto& fold : m_folds) {
      const auto it = std::find(fold.flags.begin(), fold.flags.end(), flag);
      if (it == fold.flags.end()) {
        continue;
      }
      if (it != fold.flags.begin()) {
        return {};  // shown on the fold's line
      }
      std::string joined;
      for (const auto& f : fold.flags) {
        joined += (joined.empty() ? "" : " ") + f;
      }
      std::ostringstream out;
      CLI::detail::format_help(out, joined, fold.description, column_width_);
      return out.str();
    }
    return CLI::Formatter::make_option(opt, is_positional);
  }

 private:
  std::vector<HelpFold> m_folds;
};

}  // namespace

std::shared_ptr<CLI::Formatter> folding_formatter(std::vector<HelpFold> folds) {
  return std::make_shared<FoldingFormatter>(std::move(folds));
}

}  // namespace evt::cli
