// Avro schema resolution, reporting what Avro's Java checker reports so a
// team moving between evt and the registry sees the same names.
#include "evt/schema/avro_compat.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "evt/error.hpp"
#include "evt/schema/big_stack.hpp"

namespace evt::schema {

namespace {

std::string upper(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

// Named types can be chained by reference without deep JSON (a union of
// thousands of records, each holding the previous one), so the walk needs its
// own limit: past it evt refuses clearly instead of exhausting the stack.
constexpr std::size_t k_max_depth = 1000;
// Unions of many named types compare every reader branch with every writer
// branch; past this many distinct pairs evt gives up clearly.
constexpr std::size_t k_max_pairs = 200'000;
// Incompatibilities found deep down are copied into every enclosing result
// with a longer location; this bounds the bytes that may take.
constexpr std::size_t k_max_result_bytes = 64u << 20;

class Checker {
 public:
  std::vector<AvroIncompatibility> check(const AvroNode* reader, const AvroNode* writer,
                                         const std::string& location) {
    // Recursive types: a pair already under comparison is assumed compatible
    // (its other parts are being checked further up); finished pairs are cached.
    auto key = std::make_pair(reader, writer);
    if (auto it = m_done.find(key); it != m_done.end()) {
      return rebase(it->second, location);
    }
    if (!m_in_progress.insert(key).second) {
      return {};
    }
    if (m_in_progress.size() > k_max_depth) {
      throw UsageError(
          "Avro schemas nest too deeply to compare (more than " + std::to_string(k_max_depth) + " levels)",
          "flatten the schema; evt refuses schemas this deep to stay safe");
    }
    if (m_done.size() > k_max_pairs) {
      throw UsageError("Avro schemas are too complex to compare (more than " + std::to_string(k_max_pairs) +
                           " type pairs)",
                       "split very large unions of named types");
    }
    struct Leave {
      std::set<std::pair<const AvroNode*, const AvroNode*>>& s;
      std::pair<const AvroNode*, const AvroNode*> k;
      ~Leave() { s.erase(k); }
    } leave{m_in_progress, key};
    auto result = compute(reader, writer);
    m_done[key] = result;
    return rebase(result, location);
  }

 private:
  std::vector<AvroIncompatibility> rebase(std::vector<AvroIncompatibility> v, const std::string& prefix) {
    for (auto& i : v) {
      i.location = prefix + i.location;
      m_result_bytes += i.location.size() + i.message.size() + sizeof(AvroIncompatibility);
    }
    if (m_result_bytes > k_max_result_bytes) {
      throw UsageError("Avro schemas are too complex to compare (the findings exceed " +
                           std::to_string(k_max_result_bytes >> 20) + " MiB)",
                       "compare smaller schemas, or fix the first findings and check again");
    }
    return v;
  }

  static AvroIncompatibility at(std::string type, std::string location, std::string message) {
    return {std::move(type), std::move(location), std::move(message)};
  }

  static std::string type_word(const AvroNode* n) { return upper(avro_type_name(n->type)); }

  static std::vector<AvroIncompatibility> mismatch(const AvroNode* r, const AvroNode* w) {
    return {at("TYPE_MISMATCH", "",
               "reader type: " + type_word(r) + " not compatible with writer type: " + type_word(w))};
  }

  // Locations are relative ("" = here, "/x" = below); check() prefixes them.
  std::vector<AvroIncompatibility> compute(const AvroNode* r, const AvroNode* w) {
    // A reader that is not a union must read every branch the writer may
    // have used; as in Java, each branch's own problems are reported here.
    if (w->type == AvroType::union_ && r->type != AvroType::union_) {
      std::vector<AvroIncompatibility> out;
      for (const AvroNode* branch : w->branches) {
        auto sub = check(r, branch, "");
        out.insert(out.end(), sub.begin(), sub.end());
      }
      return out;
    }
    if (r->type == w->type) {
      switch (r->type) {
        case AvroType::array:
          return check(r->items, w->items, "/items");
        case AvroType::map:
          return check(r->values, w->values, "/values");
        case AvroType::fixed: {
          std::vector<AvroIncompatibility> out = names(r, w);
          if (r->size != w->size) {
            out.push_back(at("FIXED_SIZE_MISMATCH", "/size",
                             "expected: " + std::to_string(w->size) + ", found: " + std::to_string(r->size)));
          }
          return out;
        }
        case AvroType::enumeration: {
          std::vector<AvroIncompatibility> out = names(r, w);
          std::set<std::string> missing;  // sorted, as Java lists them
          for (const auto& s : w->symbols) {
            if (r->symbol_index.count(s) == 0) {
              missing.insert(s);
            }
          }
          // A reader enum default absorbs symbols it does not know.
          if (!missing.empty() && !r->enum_default) {
            std::string list;
            for (const auto& s : missing) {
              list += (list.empty() ? "" : ", ") + s;
            }
            out.push_back(at("MISSING_ENUM_SYMBOLS", "/symbols", "[" + list + "]"));
          }
          return out;
        }
        case AvroType::record: {
          std::vector<AvroIncompatibility> out = names(r, w);
          for (const auto& f : r->fields) {
            const std::string loc = "/fields/" + std::to_string(f.position);
            const AvroField* wf = writer_field(w, f);
            if (!wf) {
              if (!f.default_value) {
                out.push_back(at("READER_FIELD_MISSING_DEFAULT_VALUE", loc, f.name));
              }
              continue;
            }
            auto sub = check(f.type, wf->type, loc + "/type");
            out.insert(out.end(), sub.begin(), sub.end());
          }
          return out;
        }
        case AvroType::union_:
          return writer_union(r, w);
        default:
          return {};
      }
    }
    switch (r->type) {
      case AvroType::long_:
        return w->type == AvroType::int_ ? std::vector<AvroIncompatibility>{} : mismatch(r, w);
      case AvroType::float_:
        return w->type == AvroType::int_ || w->type == AvroType::long_ ? std::vector<AvroIncompatibility>{}
                                                                       : mismatch(r, w);
      case AvroType::double_:
        return w->type == AvroType::int_ || w->type == AvroType::long_ || w->type == AvroType::float_
                   ? std::vector<AvroIncompatibility>{}
                   : mismatch(r, w);
      case AvroType::bytes:
        return w->type == AvroType::string ? std::vector<AvroIncompatibility>{} : mismatch(r, w);
      case AvroType::string:
        return w->type == AvroType::bytes ? std::vector<AvroIncompatibility>{} : mismatch(r, w);
      case AvroType::union_: {
        for (const AvroNode* branch : r->branches) {
          if (check(branch, w, "").empty()) {
            return {};
          }
        }
        return {at("MISSING_UNION_BRANCH", "", "reader union lacking writer type: " + type_word(w))};
      }
      default:
        return mismatch(r, w);
    }
  }

  // Union reader, union writer: every branch the writer may have used must
  // be readable by some reader branch.
  std::vector<AvroIncompatibility> writer_union(const AvroNode* r, const AvroNode* w) {
    std::vector<AvroIncompatibility> out;
    for (std::size_t i = 0; i < w->branches.size(); ++i) {
      auto sub = check(r, w->branches[i], "");
      if (!sub.empty()) {
        out.push_back(at("MISSING_UNION_BRANCH", "/" + std::to_string(i),
                         "reader union lacking writer type: " + type_word(w->branches[i])));
      }
    }
    return out;
  }

  // Java's rule: unqualified names match, or the reader lists the writer's
  // full name among its aliases.
  static std::vector<AvroIncompatibility> names(const AvroNode* r, const AvroNode* w) {
    if (r->name == w->name) {
      return {};
    }
    if (std::find(r->aliases.begin(), r->aliases.end(), w->full_name) != r->aliases.end()) {
      return {};
    }
    return {at("NAME_MISMATCH", "/name", "expected: " + w->full_name)};
  }

  static const AvroField* writer_field(const AvroNode* w, const AvroField& rf) {
    auto find = [&](const std::string& name) -> const AvroField* {
      for (const auto& f : w->fields) {
        if (f.name == name) {
          return &f;
        }
      }
      return nullptr;
    };
    if (const AvroField* f = find(rf.name)) {
      return f;
    }
    for (const auto& alias : rf.aliases) {
      if (const AvroField* f = find(alias)) {
        return f;
      }
    }
    return nullptr;
  }

  std::map<std::pair<const AvroNode*, const AvroNode*>, std::vector<AvroIncompatibility>> m_done;
  std::set<std::pair<const AvroNode*, const AvroNode*>> m_in_progress;
  std::size_t m_result_bytes = 0;
};

}  // namespace

std::vector<AvroIncompatibility> check_avro_compatibility(const AvroNode* reader, const AvroNode* writer) {
  Checker checker;
  std::vector<AvroIncompatibility> out;
  run_with_big_stack([&] { out = checker.check(reader, writer, ""); });
  for (auto& i : out) {
    if (i.location.empty()) {
      i.location = "/";
    }
  }
  return out;
}

}  // namespace evt::schema
