#include "evt/replay/redact.hpp"

#include "evt/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <nlohmann/json.hpp>

namespace evt::replay {

RedactPath parse_redact_path(std::string_view text) {
  RedactPath p;
  if (text == "key") {
    p.kind = RedactPath::Kind::key;
    return p;
  }
  if (text.substr(0, 7) == "header:") {
    p.kind = RedactPath::Kind::header;
    p.header = std::string(text.substr(7));
    if (p.header.empty()) {
      throw UsageError("--redact header: needs a header name, e.g. header:email");
    }
    return p;
  }
  std::string_view rest = text;
  while (true) {
    const auto dot = rest.find('.');
    const auto step = rest.substr(0, dot);
    if (step.empty()) {
      throw UsageError("--redact '" + std::string(text) +
                       "': expected key, header:NAME or a dotted path such as card.number");
    }
    p.steps.emplace_back(step);
    if (dot == std::string_view::npos) {
      break;
    }
    rest = rest.substr(dot + 1);
  }
  return p;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len) == nullptr) {
    throw RuntimeError("HMAC-SHA256 failed (OpenSSL)");
  }
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0xf];
  }
  return out;
}

Redactor::Redactor(std::vector<RedactPath> paths, std::string key)
    : m_paths(std::move(paths)), m_key(std::move(key)) {
  if (!m_paths.empty() && m_key.empty()) {
    throw UsageError("--redact needs a key", "give --redact-key-file FILE or set EVT_REDACT_KEY");
  }
}

size_t Redactor::apply(Record& record) const {
  size_t replaced = 0;
  nlohmann::json doc;
  bool parsed = false;
  bool changed = false;
  for (const auto& p : m_paths) {
    if (p.kind == RedactPath::Kind::key) {
      if (record.key) {
        record.key = hmac_sha256_hex(m_key, *record.key);
        ++replaced;
      }
      continue;
    }
    if (p.kind == RedactPath::Kind::header) {
      for (auto& h : record.headers) {
        if (h.key == p.header && h.value) {
          h.value = hmac_sha256_hex(m_key, *h.value);
          ++replaced;
        }
      }
      continue;
    }
    if (!record.value) {
      continue;
    }
    if (!parsed) {
      doc = nlohmann::json::parse(*record.value, nullptr, false);
      parsed = true;
    }
    if (doc.is_discarded()) {
      continue;
    }
    nlohmann::json* node = &doc;
    for (const auto& step : p.steps) {
      if (!node->is_object()) {
        node = nullptr;
        break;
      }
      const auto it = node->find(step);
      node = it == node->end() ? nullptr : &*it;
      if (node == nullptr) {
        break;
      }
    }
    if (node == nullptr || node->is_null()) {
      continue;
    }
    *node = hmac_sha256_hex(m_key, node->is_string() ? node->get<std::string>() : node->dump());
    ++replaced;
    changed = true;
  }
  if (changed) {
    record.value = doc.dump();
  }
  return replaced;
}

std::string read_redact_key(const std::string& key_file) {
  if (!key_file.empty()) {
    std::ifstream in(key_file, std::ios::binary);
    if (!in) {
      throw UsageError("cannot read --redact-key-file '" + key_file + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
      key.pop_back();
    }
    return key;
  }
  const char* env = std::getenv("EVT_REDACT_KEY");
  return env != nullptr ? env : "";
}

}  // namespace evt::replay
