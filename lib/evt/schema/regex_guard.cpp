#include "evt/schema/regex_guard.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace evt::schema {

using nlohmann::json;

bool uses_std_regex(const json& schema) {
  // Iterative: schemas may nest up to k_max_schema_depth levels.
  std::vector<const json*> todo{&schema};
  while (!todo.empty()) {
    const json* node = todo.back();
    todo.pop_back();
    if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        const auto& key = it.key();
        const auto& value = it.value();
        if ((key == "pattern" && value.is_string()) || (key == "patternProperties" && value.is_object())) {
          return true;
        }
        if (key == "format" && value.is_string()) {
          const auto& f = value.get_ref<const std::string&>();
          if (f == "date" || f == "time" || f == "date-time") {
            return true;
          }
        }
        if (value.is_structured()) {
          todo.push_back(&value);
        }
      }
    } else if (node->is_array()) {
      for (const auto& element : *node) {
        if (element.is_structured()) {
          todo.push_back(&element);
        }
      }
    }
  }
  return false;
}

bool uses_std_regex(const json& schema, const std::deque<json>& fetched) {
  if (uses_std_regex(schema)) {
    return true;
  }
  for (const auto& document : fetched) {
    if (uses_std_regex(document)) {
      return true;
    }
  }
  return false;
}

std::optional<std::size_t> text_over_regex_limit(const json& event) {
  std::vector<const json*> todo{&event};
  while (!todo.empty()) {
    const json* node = todo.back();
    todo.pop_back();
    if (node->is_string()) {
      const auto n = node->get_ref<const std::string&>().size();
      if (n > k_max_regex_text_bytes) {
        return n;
      }
    } else if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        if (it.key().size() > k_max_regex_text_bytes) {
          return it.key().size();
        }
        todo.push_back(&it.value());
      }
    } else if (node->is_array()) {
      for (const auto& element : *node) {
        todo.push_back(&element);
      }
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> text_over_regex_limit(const rapidjson::Value& event) {
  std::vector<const rapidjson::Value*> todo{&event};
  while (!todo.empty()) {
    const rapidjson::Value* node = todo.back();
    todo.pop_back();
    if (node->IsString()) {
      if (node->GetStringLength() > k_max_regex_text_bytes) {
        return node->GetStringLength();
      }
    } else if (node->IsObject()) {
      for (auto it = node->MemberBegin(); it != node->MemberEnd(); ++it) {
        if (it->name.GetStringLength() > k_max_regex_text_bytes) {
          return it->name.GetStringLength();
        }
        todo.push_back(&it->value);
      }
    } else if (node->IsArray()) {
      for (const auto& element : node->GetArray()) {
        todo.push_back(&element);
      }
    }
  }
  return std::nullopt;
}

std::string regex_limit_message(std::size_t bytes) {
  return "a string of " + std::to_string(bytes) + " bytes is longer than the " +
         std::to_string(k_max_regex_text_bytes) +
         " that evt checks against this schema's regular expressions ('pattern', 'patternProperties', "
         "date and time 'format's; the regular expression engine would run out of stack)";
}

}  // namespace evt::schema
