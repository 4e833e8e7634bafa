#include "evt/output/record_template.hpp"

#include "evt/error.hpp"

#include <algorithm>

namespace evt::output {
namespace {

const char* const k_template_hint =
    "tokens: %t topic, %p partition, %o offset, %k key, %s value, %h headers, %T timestamp ms, "
    "%d time (RFC 3339), %S value size, %K key size, %%; escapes \\n \\t \\r \\\\";

void add_literal(std::vector<TemplatePiece>& pieces, char c) {
  if (pieces.empty() || pieces.back().token != TemplateToken::literal) {
    pieces.push_back({TemplateToken::literal, {}});
  }
  pieces.back().text += c;
}

}  // namespace

std::vector<TemplatePiece> compile_template(std::string_view text) {
  std::vector<TemplatePiece> pieces;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) {
        throw UsageError("invalid format: it ends with a lone '\\'", k_template_hint);
      }
      switch (text[++i]) {
        case 'n':
          add_literal(pieces, '\n');
          break;
        case 't':
          add_literal(pieces, '\t');
          break;
        case 'r':
          add_literal(pieces, '\r');
          break;
        case '\\':
          add_literal(pieces, '\\');
          break;
        default:
          throw UsageError(std::string("invalid format: unknown escape '\\") + text[i] + "'",
                           k_template_hint);
      }
      continue;
    }
    if (c != '%') {
      add_literal(pieces, c);
      continue;
    }
    if (i + 1 >= text.size()) {
      throw UsageError("invalid format: it ends with a lone '%'", k_template_hint);
    }
    TemplateToken token = TemplateToken::literal;
    switch (text[++i]) {
      case '%':
        add_literal(pieces, '%');
        continue;
      case 't':
        token = TemplateToken::topic;
        break;
      case 'p':
        token = TemplateToken::partition;
        break;
      case 'o':
        token = TemplateToken::offset;
        break;
      case 'k':
        token = TemplateToken::key;
        break;
      case 's':
        token = TemplateToken::value;
        break;
      case 'h':
        token = TemplateToken::headers;
        break;
      case 'T':
        token = TemplateToken::timestamp;
        break;
      case 'S':
        token = TemplateToken::value_size;
        break;
      case 'K':
        token = TemplateToken::key_size;
        break;
      case 'd':
        token = TemplateToken::time;
        break;
      default:
        throw UsageError(std::string("invalid format: unknown token '%") + text[i] + "'", k_template_hint);
    }
    pieces.push_back({token, {}});
  }
  return pieces;
}

bool template_uses_headers(const std::vector<TemplatePiece>& pieces) {
  return std::any_of(pieces.begin(), pieces.end(),
                     [](const auto& p) { return p.token == TemplateToken::headers; });
}

}  // namespace evt::output
