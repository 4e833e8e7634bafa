#pragma once
// The environment a handler sees: evt's own environment minus stale record
// variables, plus the record's metadata (EVT_TOPIC, EVT_PARTITION, EVT_OFFSET,
// EVT_KEY or EVT_KEY_BASE64, EVT_TIMESTAMP, EVT_HEADERS, EVT_GROUP,
// EVT_ATTEMPT, EVT_MAX_ATTEMPTS) and the CloudEvents attributes as CE_<NAME>.

#include "evt/record.hpp"

#include <string>
#include <vector>

namespace evt::consume {

// Who runs the handler and which attempt this is (1-based).
struct HandlerContext {
  std::string group;
  int attempt = 1;
  int max_attempts = 1;
};

// `environ`-style entries with every EVT_TOPIC…EVT_MAX_ATTEMPTS and CE_*
// variable removed, so a record never inherits another's metadata.
std::vector<std::string> inherited_environment(const char* const* environ_entries);

// `base` plus the record's variables. EVT_KEY holds the key when it is
// UTF-8 without NUL bytes, EVT_KEY_BASE64 otherwise; neither for a null key.
// EVT_HEADERS is the record line's headers array. CloudEvents attributes
// come from ce_* headers (binary mode; content-type → CE_DATACONTENTTYPE) or
// from the JSON value (structured mode); values with NUL bytes are left out.
std::vector<std::string> handler_environment(const std::vector<std::string>& base, const Record& record,
                                             const HandlerContext& context);

// The environment of a --batch handler (records of one partition, in
// offset order, as record lines on stdin): base plus EVT_TOPIC,
// EVT_PARTITION, EVT_FIRST_OFFSET, EVT_LAST_OFFSET, EVT_BATCH_SIZE,
// EVT_GROUP, EVT_ATTEMPT, EVT_MAX_ATTEMPTS.
std::vector<std::string> batch_environment(const std::vector<std::string>& base,
                                           const std::vector<const Record*>& records,
                                           const HandlerContext& context);

}  // namespace evt::consume
