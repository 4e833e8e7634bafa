// Compares two JSON Schemas the way Confluent Schema Registry does, so evt
// and the registry agree on what may ship. The walk, the difference names and
// the locations follow Confluent's checker; see tests/schema_known_differences.txt
// for the few places evt deliberately or knowingly differs.
#include "evt/schema/json_schema_compat.hpp"

#include <cmath>
#include <functional>
#include <regex>
#include <set>
#include <unordered_set>

#include "evt/error.hpp"
#include "evt/schema/big_stack.hpp"

namespace evt::schema {

namespace {

const std::set<std::string>& strict_compatible() {
  static const std::set<std::string> k_set = {
      "ID_CHANGED",
      "DESCRIPTION_CHANGED",
      "TITLE_CHANGED",
      "DEFAULT_CHANGED",
      "SCHEMA_REMOVED",
      "TYPE_EXTENDED",
      "MAX_LENGTH_INCREASED",
      "MAX_LENGTH_REMOVED",
      "MIN_LENGTH_DECREASED",
      "MIN_LENGTH_REMOVED",
      "PATTERN_REMOVED",
      "MAXIMUM_INCREASED",
      "MAXIMUM_REMOVED",
      "MINIMUM_DECREASED",
      "MINIMUM_REMOVED",
      "EXCLUSIVE_MAXIMUM_INCREASED",
      "EXCLUSIVE_MAXIMUM_REMOVED",
      "EXCLUSIVE_MINIMUM_DECREASED",
      "EXCLUSIVE_MINIMUM_REMOVED",
      "MULTIPLE_OF_REDUCED",
      "MULTIPLE_OF_REMOVED",
      "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
      "REQUIRED_ATTRIBUTE_REMOVED",
      "DEPENDENCY_ARRAY_NARROWED",
      "DEPENDENCY_ARRAY_REMOVED",
      "DEPENDENCY_SCHEMA_REMOVED",
      "MAX_PROPERTIES_INCREASED",
      "MAX_PROPERTIES_REMOVED",
      "MIN_PROPERTIES_DECREASED",
      "MIN_PROPERTIES_REMOVED",
      "ADDITIONAL_PROPERTIES_ADDED",
      "ADDITIONAL_PROPERTIES_EXTENDED",
      "UNEVALUATED_PROPERTIES_ADDED",
      "UNEVALUATED_PROPERTIES_EXTENDED",
      "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
      "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
      "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
      "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
      "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
      "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "MAX_ITEMS_INCREASED",
      "MAX_ITEMS_REMOVED",
      "MIN_ITEMS_DECREASED",
      "MIN_ITEMS_REMOVED",
      "MAX_CONTAINS_INCREASED",
      "MAX_CONTAINS_REMOVED",
      "MIN_CONTAINS_DECREASED",
      "MIN_CONTAINS_REMOVED",
      "UNIQUE_ITEMS_REMOVED",
      "ADDITIONAL_ITEMS_ADDED",
      "ADDITIONAL_ITEMS_EXTENDED",
      "UNEVALUATED_ITEMS_ADDED",
      "UNEVALUATED_ITEMS_EXTENDED",
      "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
      "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
      "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
      "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
      "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "ENUM_ARRAY_EXTENDED",
      "COMBINED_TYPE_EXTENDED",
      "PRODUCT_TYPE_NARROWED",
      "SUM_TYPE_EXTENDED",
      "NOT_TYPE_NARROWED",
  };
  return k_set;
}

// LENIENT also accepts the open-content-model changes STRICT refuses.
const std::set<std::string>& lenient_extra() {
  static const std::set<std::string> k_set = {
      "ADDITIONAL_PROPERTIES_NARROWED",
      "ADDITIONAL_PROPERTIES_REMOVED",
      "UNEVALUATED_PROPERTIES_NARROWED",
      "UNEVALUATED_PROPERTIES_REMOVED",
      "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
      "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
      "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  };
  return k_set;
}

// Hostile or pathological schemas (combinators over recursive $refs) can make
// the pairwise walk explode; past this many comparisons evt gives up clearly.
constexpr std::size_t k_max_comparisons = 2'000'000;
constexpr std::size_t k_max_depth = 2000;

struct Shared {
  Policy policy = Policy::strict;
  std::set<std::pair<const JsonNode*, const JsonNode*>> on_stack;
  std::size_t comparisons = 0;
  std::size_t depth = 0;
};

class Context {
 public:
  explicit Context(Shared& shared) : m_shared(shared) {}

  Context sub() const {
    Context c(m_shared);
    c.m_path = m_path;
    return c;
  }

  Shared& shared() { return m_shared; }

  void add(const std::string& type) { m_diffs.push_back({type, path_string()}); }
  void add(const std::string& attribute, const std::string& type) {
    m_path.push_back(attribute);
    add(type);
    m_path.pop_back();
  }
  void add_all(const std::vector<Difference>& diffs) {
    m_diffs.insert(m_diffs.end(), diffs.begin(), diffs.end());
  }

  void push(std::string segment) { m_path.push_back(std::move(segment)); }
  void pop() { m_path.pop_back(); }

  // Sub-comparisons (combinator branches, partially open content models) are
  // judged by the same policy as the final verdict, as Confluent does.
  bool compatible() const { return all_compatible(m_diffs, m_shared.policy); }
  const std::vector<Difference>& diffs() const { return m_diffs; }

 private:
  std::string path_string() const {
    std::string s = "#/";
    for (std::size_t i = 0; i < m_path.size(); ++i) {
      if (i) {
        s += '/';
      }
      s += m_path[i];
    }
    return s;
  }

  Shared& m_shared;
  std::vector<std::string> m_path;
  std::vector<Difference> m_diffs;
};

struct PathScope {
  Context& ctx;
  PathScope(Context& c, std::string segment) : ctx(c) { ctx.push(std::move(segment)); }
  ~PathScope() { ctx.pop(); }
};

void compare(Context& ctx, const JsonNode* original, const JsonNode* update);

bool is_empty_like(const JsonNode* n) {
  return n->kind == NodeKind::empty || n->kind == NodeKind::true_schema;
}

bool same_kind(const JsonNode* a, const JsonNode* b) {
  if (is_empty_like(a) && is_empty_like(b)) {
    return true;
  }
  return a->kind == b->kind;
}

template <typename T>
void compare_limit(Context& ctx, const char* keyword, const std::optional<T>& o, const std::optional<T>& u,
                   const std::string& prefix) {
  if (o == u) {
    return;
  }
  if (!o) {
    ctx.add(keyword, prefix + "_ADDED");
  } else if (!u) {
    ctx.add(keyword, prefix + "_REMOVED");
  } else if (*o < *u) {
    ctx.add(keyword, prefix + "_INCREASED");
  } else if (*o > *u) {
    ctx.add(keyword, prefix + "_DECREASED");
  }
}

void compare_string(Context& ctx, const JsonNode* o, const JsonNode* u) {
  compare_limit(ctx, "maxLength", o->max_length, u->max_length, "MAX_LENGTH");
  compare_limit(ctx, "minLength", o->min_length, u->min_length, "MIN_LENGTH");
  if (!o->pattern && u->pattern) {
    ctx.add("pattern", "PATTERN_ADDED");
  } else if (o->pattern && !u->pattern) {
    ctx.add("pattern", "PATTERN_REMOVED");
  } else if (o->pattern && *o->pattern != *u->pattern) {
    ctx.add("pattern", "PATTERN_CHANGED");
  }
}

// True when `a` is a whole multiple of `b` (both positive numbers).
bool is_multiple(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
    return y != 0 && x % y == 0;
  }
  double x = a.get<double>(), y = b.get<double>();
  if (y == 0) {
    return false;
  }
  double q = x / y;
  return std::fabs(q - std::round(q)) < 1e-9;
}

void compare_number(Context& ctx, const JsonNode* o, const JsonNode* u) {
  compare_limit(ctx, "maximum", o->maximum, u->maximum, "MAXIMUM");
  compare_limit(ctx, "minimum", o->minimum, u->minimum, "MINIMUM");
  compare_limit(ctx, "exclusiveMaximum", o->exclusive_maximum, u->exclusive_maximum, "EXCLUSIVE_MAXIMUM");
  compare_limit(ctx, "exclusiveMinimum", o->exclusive_minimum, u->exclusive_minimum, "EXCLUSIVE_MINIMUM");
  const auto& om = o->multiple_of;
  const auto& um = u->multiple_of;
  bool equal = om.has_value() == um.has_value() && (!om || om->get<double>() == um->get<double>());
  if (!equal) {
    if (!om) {
      ctx.add("multipleOf", "MULTIPLE_OF_ADDED");
    } else if (!um) {
      ctx.add("multipleOf", "MULTIPLE_OF_REMOVED");
    } else if (is_multiple(*um, *om)) {
      ctx.add("multipleOf", "MULTIPLE_OF_EXPANDED");
    } else if (is_multiple(*om, *um)) {
      ctx.add("multipleOf", "MULTIPLE_OF_REDUCED");
    } else {
      ctx.add("multipleOf", "MULTIPLE_OF_CHANGED");
    }
  }
  if (o->requires_integer != u->requires_integer) {
    ctx.add(o->requires_integer ? "TYPE_EXTENDED" : "TYPE_NARROWED");
  }
}

// Hashed lookups: an enum of 80,000 values compared pairwise took minutes.
bool contains_all(const std::vector<nlohmann::json>& haystack, const std::vector<nlohmann::json>& needles) {
  const std::unordered_set<nlohmann::json, JsonValueHash> index(haystack.begin(), haystack.end());
  for (const auto& n : needles) {
    if (index.count(n) == 0) {
      return false;
    }
  }
  return true;
}

void compare_enum(Context& ctx, const JsonNode* o, const JsonNode* u) {
  bool same = contains_all(o->values, u->values) && contains_all(u->values, o->values);
  if (same) {
    return;
  }
  if (contains_all(u->values, o->values)) {
    ctx.add("enum", "ENUM_ARRAY_EXTENDED");
  } else if (contains_all(o->values, u->values)) {
    ctx.add("enum", "ENUM_ARRAY_NARROWED");
  } else {
    ctx.add("enum", "ENUM_ARRAY_CHANGED");
  }
}

void compare_not(Context& ctx, const JsonNode* o, const JsonNode* u) {
  PathScope scope(ctx, "not");
  Context sub = ctx.sub();
  // A "not" accepts more when what it forbids shrinks: compare the other way round.
  compare(sub, u->must_not, o->must_not);
  ctx.add(sub.compatible() ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED");
}

// --- objects ---------------------------------------------------------------

bool is_false(const JsonNode* n) {
  return n && n->kind == NodeKind::false_schema;
}

bool is_open_object(const JsonNode* s) {
  bool uneval_open = !s->unevaluated_properties || is_empty_like(s->unevaluated_properties);
  return s->pattern_properties.empty() && !s->additional_properties && s->permits_additional_properties &&
         uneval_open;
}

bool pattern_finds(const std::string& pattern, const std::string& text) {
  try {
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;
  }
}

const JsonNode* partial_object_schema(const JsonNode* s, const std::string& key) {
  for (const auto& [pattern, schema] : s->pattern_properties) {
    if (pattern_finds(pattern, key)) {
      return schema;
    }
  }
  if (s->additional_properties) {
    return s->additional_properties;
  }
  const JsonNode* u = s->unevaluated_properties;
  if (s->permits_additional_properties && u && !is_false(u) && !is_empty_like(u)) {
    return u;
  }
  return nullptr;
}

void compare_required(Context& ctx, const JsonNode* o, const JsonNode* u) {
  PathScope scope(ctx, "required");
  for (const auto& [key, schema] : o->properties) {
    auto it = u->properties.find(key);
    if (it == u->properties.end()) {
      continue;
    }
    bool was = o->required.count(key) > 0, is = u->required.count(key) > 0;
    if (was && !is) {
      ctx.add(key, "REQUIRED_ATTRIBUTE_REMOVED");
    } else if (!was && is) {
      ctx.add(key, it->second->has_default() ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                                             : "REQUIRED_ATTRIBUTE_ADDED");
    }
  }
}

void covered_by_partial(Context& ctx, const JsonNode* from, const JsonNode* to, const char* covered,
                        const char* not_covered) {
  Context sub = ctx.sub();
  compare(sub, from, to);
  ctx.add_all(sub.diffs());
  ctx.add(sub.compatible() ? covered : not_covered);
}

void compare_properties(Context& ctx, const JsonNode* o, const JsonNode* u) {
  PathScope scope(ctx, "properties");
  std::set<std::string> keys;
  for (const auto& [k, v] : o->properties) {
    keys.insert(k);
  }
  for (const auto& [k, v] : u->properties) {
    keys.insert(k);
  }
  for (const auto& key : keys) {
    PathScope key_scope(ctx, key);
    auto oi = o->properties.find(key);
    auto ui = u->properties.find(key);
    const JsonNode* os = oi == o->properties.end() ? nullptr : oi->second;
    const JsonNode* us = ui == u->properties.end() ? nullptr : ui->second;
    if (!us) {
      // Only the update's content model decides whether a property may go.
      if (is_open_object(u)) {
        ctx.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL");
      } else if (const JsonNode* partial = partial_object_schema(u, key)) {
        covered_by_partial(ctx, os, partial, "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                           "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
      } else {
        ctx.add(is_false(os) ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                             : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
      }
    } else if (!os) {
      // Only the original's content model decides whether a property may come.
      const bool required = u->required.count(key) > 0;
      if (is_open_object(o)) {
        if (is_empty_like(us)) {
          ctx.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL");
        } else if (!required) {
          ctx.add("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
        } else if (us->has_default()) {
          ctx.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL");
        } else {
          ctx.add("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
        }
      } else {
        if (const JsonNode* partial = partial_object_schema(o, key)) {
          covered_by_partial(ctx, partial, us, "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                             "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
        }
        if (!required) {
          ctx.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
        } else if (us->has_default()) {
          ctx.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL");
        } else {
          ctx.add("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
        }
      }
    } else {
      compare(ctx, os, us);
    }
  }
}

void compare_dependencies(Context& ctx, const JsonNode* o, const JsonNode* u) {
  PathScope scope(ctx, "dependencies");
  std::set<std::string> keys;
  for (const auto& [k, v] : o->property_dependencies) {
    keys.insert(k);
  }
  for (const auto& [k, v] : u->property_dependencies) {
    keys.insert(k);
  }
  for (const auto& key : keys) {
    auto oi = o->property_dependencies.find(key);
    auto ui = u->property_dependencies.find(key);
    if (ui == u->property_dependencies.end()) {
      ctx.add(key, "DEPENDENCY_ARRAY_REMOVED");
    } else if (oi == o->property_dependencies.end()) {
      ctx.add(key, "DEPENDENCY_ARRAY_ADDED");
    } else if (oi->second != ui->second) {
      auto includes = [](const std::set<std::string>& a, const std::set<std::string>& b) {
        return std::includes(a.begin(), a.end(), b.begin(), b.end());
      };
      if (includes(ui->second, oi->second)) {
        ctx.add(key, "DEPENDENCY_ARRAY_EXTENDED");
      } else if (includes(oi->second, ui->second)) {
        ctx.add(key, "DEPENDENCY_ARRAY_NARROWED");
      } else {
        ctx.add(key, "DEPENDENCY_ARRAY_CHANGED");
      }
    }
  }
  keys.clear();
  for (const auto& [k, v] : o->schema_dependencies) {
    keys.insert(k);
  }
  for (const auto& [k, v] : u->schema_dependencies) {
    keys.insert(k);
  }
  for (const auto& key : keys) {
    auto oi = o->schema_dependencies.find(key);
    auto ui = u->schema_dependencies.find(key);
    if (ui == u->schema_dependencies.end()) {
      ctx.add(key, "DEPENDENCY_SCHEMA_REMOVED");
    } else if (oi == o->schema_dependencies.end()) {
      ctx.add(key, "DEPENDENCY_SCHEMA_ADDED");
    } else {
      PathScope key_scope(ctx, key);
      compare(ctx, oi->second, ui->second);
    }
  }
}

void compare_additional_properties(Context& ctx, const JsonNode* o, const JsonNode* u) {
  PathScope scope(ctx, "additionalProperties");
  if (o->permits_additional_properties != u->permits_additional_properties) {
    ctx.add(u->permits_additional_properties ? "ADDITIONAL_PROPERTIES_ADDED"
                                             : "ADDITIONAL_PROPERTIES_REMOVED");
  } else if (!o->additional_properties && u->additional_properties) {
    ctx.add("ADDITIONAL_PROPERTIES_NARROWED");
  } else if (o->additional_properties && !u->additional_properties) {
    ctx.add("ADDITIONAL_PROPERTIES_EXTENDED");
  } else {
    compare(ctx, o->additional_properties, u->additional_properties);
  }
}

// unevaluatedProperties / unevaluatedItems: false closes, true or {} opens,
// anything else partially opens the content model.
void compare_unevaluated(Context& ctx, const char* keyword, const JsonNode* o, const JsonNode* u,
                         const std::string& prefix) {
  if (!o && !u) {
    return;
  }
  PathScope scope(ctx, keyword);
  if (!o) {
    ctx.add(is_false(u) ? prefix + "_REMOVED" : prefix + "_NARROWED");
  } else if (!u) {
    ctx.add(is_false(o) ? prefix + "_ADDED" : prefix + "_EXTENDED");
  } else if (is_false(o) && !is_false(u)) {
    ctx.add(prefix + "_ADDED");
  } else if (!is_false(o) && is_false(u)) {
    ctx.add(prefix + "_REMOVED");
  } else if (is_empty_like(o) && !is_empty_like(u)) {
    ctx.add(prefix + "_NARROWED");
  } else if (!is_empty_like(o) && is_empty_like(u)) {
    ctx.add(prefix + "_EXTENDED");
  } else {
    compare(ctx, o, u);
  }
}

void compare_object(Context& ctx, const JsonNode* o, const JsonNode* u) {
  compare_required(ctx, o, u);
  compare_properties(ctx, o, u);
  compare_dependencies(ctx, o, u);
  compare_additional_properties(ctx, o, u);
  compare_unevaluated(ctx, "unevaluatedProperties", o->unevaluated_properties, u->unevaluated_properties,
                      "UNEVALUATED_PROPERTIES");
  {
    // Confluent does not compare propertyNames; evt does, with its generic
    // names: a new constraint on names is SCHEMA_ADDED (breaking), dropping
    // it SCHEMA_REMOVED, and a changed one is compared like any schema.
    PathScope scope(ctx, "propertyNames");
    compare(ctx, o->property_names, u->property_names);
  }
  compare_limit(ctx, "maxProperties", o->max_properties, u->max_properties, "MAX_PROPERTIES");
  compare_limit(ctx, "minProperties", o->min_properties, u->min_properties, "MIN_PROPERTIES");
}

// --- arrays ----------------------------------------------------------------

bool is_open_array(const JsonNode* s) {
  if (!s->permits_additional_items || s->additional_items) {
    return false;
  }
  return !s->unevaluated_items || is_empty_like(s->unevaluated_items);
}

const JsonNode* partial_array_schema(const JsonNode* s) {
  if (s->additional_items) {
    return s->additional_items;
  }
  const JsonNode* u = s->unevaluated_items;
  if (s->permits_additional_items && u && !is_false(u) && !is_empty_like(u)) {
    return u;
  }
  return nullptr;
}

void compare_item_list(Context& ctx, const JsonNode* o, const JsonNode* u) {
  const auto& os = o->item_schemas;
  const auto& us = u->item_schemas;
  const std::size_t common = std::min(os.size(), us.size());
  for (std::size_t i = 0; i < common; ++i) {
    PathScope scope(ctx, "items/" + std::to_string(i));
    compare(ctx, os[i], us[i]);
  }
  for (std::size_t i = common; i < os.size(); ++i) {
    PathScope scope(ctx, "items/" + std::to_string(i));
    if (is_open_array(u)) {
      ctx.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL");
    } else if (const JsonNode* partial = partial_array_schema(u)) {
      covered_by_partial(ctx, os[i], partial, "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                         "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
    } else {
      ctx.add(is_false(os[i]) ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                              : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL");
    }
  }
  for (std::size_t i = common; i < us.size(); ++i) {
    PathScope scope(ctx, "items/" + std::to_string(i));
    if (is_open_array(o)) {
      ctx.add(is_empty_like(us[i]) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                                   : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL");
    } else if (const JsonNode* partial = partial_array_schema(o)) {
      covered_by_partial(ctx, partial, us[i], "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                         "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
    } else {
      ctx.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL");
    }
  }
}

void compare_additional_items(Context& ctx, const JsonNode* o, const JsonNode* u) {
  PathScope scope(ctx, "additionalItems");
  if (o->permits_additional_items != u->permits_additional_items) {
    ctx.add(o->permits_additional_items ? "ADDITIONAL_ITEMS_REMOVED" : "ADDITIONAL_ITEMS_ADDED");
  } else if (!o->additional_items && u->additional_items) {
    ctx.add("ADDITIONAL_ITEMS_NARROWED");
  } else if (o->additional_items && !u->additional_items) {
    ctx.add("ADDITIONAL_ITEMS_EXTENDED");
  } else {
    compare(ctx, o->additional_items, u->additional_items);
  }
}

void compare_array(Context& ctx, const JsonNode* o, const JsonNode* u) {
  {
    PathScope scope(ctx, "items");
    compare(ctx, o->all_items, u->all_items);
  }
  compare_item_list(ctx, o, u);
  compare_additional_items(ctx, o, u);
  compare_unevaluated(ctx, "unevaluatedItems", o->unevaluated_items, u->unevaluated_items,
                      "UNEVALUATED_ITEMS");
  compare_limit(ctx, "maxItems", o->max_items, u->max_items, "MAX_ITEMS");
  compare_limit(ctx, "minItems", o->min_items, u->min_items, "MIN_ITEMS");
  if (o->unique_items != u->unique_items) {
    ctx.add("uniqueItems", o->unique_items ? "UNIQUE_ITEMS_REMOVED" : "UNIQUE_ITEMS_ADDED");
  }
  compare_limit(ctx, "maxContains", o->max_contains, u->max_contains, "MAX_CONTAINS");
  compare_limit(ctx, "minContains", o->min_contains, u->min_contains, "MIN_CONTAINS");
}

// --- combinators -----------------------------------------------------------

const char* criterion_name(Criterion c) {
  switch (c) {
    case Criterion::all_of:
      return "allOf";
    case Criterion::any_of:
      return "anyOf";
    case Criterion::one_of:
      return "oneOf";
  }
  return "allOf";
}

std::vector<const JsonNode*> distinct(const std::vector<const JsonNode*>& subs) {
  std::vector<const JsonNode*> out;
  std::unordered_set<std::string> seen;
  for (const JsonNode* s : subs) {
    if (s->canonical.empty() || seen.insert(s->canonical).second) {
      out.push_back(s);
    }
  }
  return out;
}

// Returns the difference the criteria change makes, or "" when unchanged.
std::string criteria_change(const JsonNode* o, const JsonNode* u) {
  if (o->criterion == u->criterion) {
    return "";
  }
  const bool o_single = o->subschemas.size() == 1, u_single = u->subschemas.size() == 1;
  switch (u->criterion) {
    case Criterion::any_of:
      return "COMBINED_TYPE_EXTENDED";
    case Criterion::one_of:
      // Confluent accepts allOf -> oneOf and leaving a singleton; the branch
      // matching below still has to succeed.
      return o_single || o->criterion == Criterion::all_of ? "COMBINED_TYPE_EXTENDED"
                                                           : "COMBINED_TYPE_CHANGED";
    case Criterion::all_of:
      return o_single && u_single ? "COMBINED_TYPE_EXTENDED" : "COMBINED_TYPE_CHANGED";
  }
  return "COMBINED_TYPE_CHANGED";
}

// Maximum bipartite matching over compatible (original, update) pairs
// (Kuhn's augmenting paths; the sets are small).
std::vector<int> maximum_matching(const std::vector<std::vector<bool>>& edge, std::size_t n_update) {
  const std::size_t n_orig = edge.size();
  std::vector<int> match_of_update(n_update, -1);
  std::function<bool(std::size_t, std::vector<bool>&)> augment = [&](std::size_t i, std::vector<bool>& seen) {
    for (std::size_t j = 0; j < n_update; ++j) {
      if (!edge[i][j] || seen[j]) {
        continue;
      }
      seen[j] = true;
      if (match_of_update[j] < 0 || augment(static_cast<std::size_t>(match_of_update[j]), seen)) {
        match_of_update[j] = static_cast<int>(i);
        return true;
      }
    }
    return false;
  };
  for (std::size_t i = 0; i < n_orig; ++i) {
    std::vector<bool> seen(n_update, false);
    augment(i, seen);
  }
  return match_of_update;
}

void compare_combined(Context& ctx, const JsonNode* o, const JsonNode* u) {
  const std::string change = criteria_change(o, u);
  if (!change.empty()) {
    ctx.add(change);
  }
  if (change == "COMBINED_TYPE_CHANGED") {
    return;
  }
  const auto os = distinct(o->subschemas);
  const auto us = distinct(u->subschemas);
  // Growth is named after the update's combinator, shrinking after the original's.
  if (os.size() < us.size()) {
    ctx.add(u->criterion == Criterion::all_of ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED");
  } else if (os.size() > us.size()) {
    ctx.add(o->criterion == Criterion::all_of ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED");
  }

  std::vector<std::vector<bool>> edge(os.size(), std::vector<bool>(us.size(), false));
  std::vector<std::vector<std::vector<Difference>>> diffs(os.size(),
                                                          std::vector<std::vector<Difference>>(us.size()));
  for (std::size_t i = 0; i < os.size(); ++i) {
    PathScope scope(ctx, std::string(criterion_name(o->criterion)) + "/" + std::to_string(i));
    for (std::size_t j = 0; j < us.size(); ++j) {
      Context sub = ctx.sub();
      compare(sub, os[i], us[j]);
      if (sub.compatible()) {
        edge[i][j] = true;
        diffs[i][j] = sub.diffs();
      }
    }
  }
  const auto matching = maximum_matching(edge, us.size());
  std::size_t matched = 0;
  for (std::size_t j = 0; j < us.size(); ++j) {
    if (matching[j] < 0) {
      continue;
    }
    ++matched;
    ctx.add_all(diffs[static_cast<std::size_t>(matching[j])][j]);
  }
  if (matched < std::min(os.size(), us.size())) {
    ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
  }
}

// --- the walk --------------------------------------------------------------

struct DepthScope {
  Shared& s;
  explicit DepthScope(Shared& shared) : s(shared) {
    if (++s.depth > k_max_depth) {
      throw UsageError("schemas nest too deeply to compare (more than " + std::to_string(k_max_depth) +
                       " levels)");
    }
    if (++s.comparisons > k_max_comparisons) {
      throw UsageError("schemas are too complex to compare (more than " + std::to_string(k_max_comparisons) +
                           " sub-comparisons)",
                       "simplify combinators (anyOf/oneOf/allOf) over recursive $refs");
    }
  }
  ~DepthScope() { --s.depth; }
};

// Tries `original` against a combined `update` (or the reverse) when only one
// side is a combinator; returns true when that settled the comparison.
bool compare_one_sided_combinator(Context& ctx, const JsonNode* original, const JsonNode* update) {
  const bool oc = original->kind == NodeKind::combined, uc = update->kind == NodeKind::combined;
  if (!oc && uc) {
    if (update->subschemas.size() == 1) {
      Context sub = ctx.sub();
      compare(sub, original, update->subschemas.front());
      if (sub.compatible()) {
        ctx.add_all(sub.diffs());
        return true;
      }
    } else if (update->criterion != Criterion::all_of) {
      for (const JsonNode* s : update->subschemas) {
        Context sub = ctx.sub();
        compare(sub, original, s);
        if (sub.compatible()) {
          ctx.add_all(sub.diffs());
          ctx.add("SUM_TYPE_EXTENDED");
          return true;
        }
      }
    }
  } else if (oc && !uc) {
    if (original->subschemas.size() == 1) {
      Context sub = ctx.sub();
      compare(sub, original->subschemas.front(), update);
      if (sub.compatible()) {
        ctx.add_all(sub.diffs());
        return true;
      }
    }
    if (original->criterion == Criterion::all_of) {
      for (const JsonNode* s : original->subschemas) {
        Context sub = ctx.sub();
        compare(sub, s, update);
        if (sub.compatible()) {
          ctx.add_all(sub.diffs());
          ctx.add("PRODUCT_TYPE_NARROWED");
          return true;
        }
      }
    }
  }
  return false;
}

void compare(Context& ctx, const JsonNode* original, const JsonNode* update) {
  if (!original && !update) {
    return;
  }
  if (!original) {
    return ctx.add("SCHEMA_ADDED");
  }
  if (!update) {
    return ctx.add("SCHEMA_REMOVED");
  }
  DepthScope depth(ctx.shared());

  if (compare_one_sided_combinator(ctx, original, update)) {
    return;
  }

  if (!same_kind(original, update)) {
    if (original->kind == NodeKind::false_schema || is_empty_like(update)) {
      return;
    }
    return ctx.add("TYPE_CHANGED");
  }

  // A pair already being compared further up is a recursive cycle: it adds
  // nothing new, so stop here.
  auto key = std::make_pair(original, update);
  if (!ctx.shared().on_stack.insert(key).second) {
    return;
  }
  struct Pop {
    Shared& s;
    std::pair<const JsonNode*, const JsonNode*> k;
    ~Pop() { s.on_stack.erase(k); }
  } pop{ctx.shared(), key};

  if (original->id != update->id) {
    ctx.add("ID_CHANGED");
  }
  if (original->title != update->title) {
    ctx.add("TITLE_CHANGED");
  }
  if (original->description != update->description) {
    ctx.add("DESCRIPTION_CHANGED");
  }
  if (original->default_value != update->default_value) {
    ctx.add("DEFAULT_CHANGED");
  }

  switch (original->kind) {
    case NodeKind::string:
      compare_string(ctx, original, update);
      break;
    case NodeKind::number:
      compare_number(ctx, original, update);
      break;
    case NodeKind::const_value:
      if (original->values != update->values) {
        ctx.add("const", "ENUM_ARRAY_CHANGED");
      }
      break;
    case NodeKind::enum_values:
      compare_enum(ctx, original, update);
      break;
    case NodeKind::combined:
      compare_combined(ctx, original, update);
      break;
    case NodeKind::not_schema:
      compare_not(ctx, original, update);
      break;
    case NodeKind::object:
      compare_object(ctx, original, update);
      break;
    case NodeKind::array:
      compare_array(ctx, original, update);
      break;
    default:
      break;
  }
}

}  // namespace

bool is_compatible_difference(const std::string& type, Policy policy) {
  if (strict_compatible().count(type)) {
    return true;
  }
  return policy == Policy::lenient && lenient_extra().count(type) > 0;
}

bool all_compatible(const std::vector<Difference>& diffs, Policy policy) {
  for (const auto& d : diffs) {
    if (!is_compatible_difference(d.type, policy)) {
      return false;
    }
  }
  return true;
}

std::vector<Difference> diff_json_schemas(const JsonNode* original, const JsonNode* update, Policy policy) {
  Shared shared;
  shared.policy = policy;
  Context ctx(shared);
  // The walk recurses per level (bounded by k_max_depth): give it room.
  run_with_big_stack([&] { compare(ctx, original, update); });
  return ctx.diffs();
}

}  // namespace evt::schema
