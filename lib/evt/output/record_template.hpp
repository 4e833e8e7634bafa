#pragma once
// kcat's -f format tokens for `evt tail -f`:
//   %t topic  %p partition  %o offset  %k key  %s value  %h headers (k=v,…)
//   %T timestamp (ms)  %S value size  %K key size (-1: NULL)  %d time (RFC 3339 UTC)
//   %% a percent sign;  \n \t \r \\ escapes.

#include <string>
#include <string_view>
#include <vector>

namespace evt::output {

// What one piece of a template prints.
enum class TemplateToken {
  literal,
  topic,
  partition,
  offset,
  key,
  value,
  headers,
  timestamp,
  value_size,
  key_size,
  time
};

// One piece of a compiled template; `text` holds literal text.
struct TemplatePiece {
  TemplateToken token = TemplateToken::literal;
  std::string text;
  bool operator==(const TemplatePiece&) const = default;
};

// Compiles a template; throws UsageError naming an unknown token or escape.
std::vector<TemplatePiece> compile_template(std::string_view text);

// True when the template prints headers.
bool template_uses_headers(const std::vector<TemplatePiece>& pieces);

}  // namespace evt::output
