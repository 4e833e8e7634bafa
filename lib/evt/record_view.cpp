#include "evt/record_view.hpp"

namespace evt {
namespace {

void assign_bytes(std::optional<std::string>& out, std::optional<std::string_view> in) {
  if (!in) {
    out.reset();
  } else if (out) {
    out->assign(in->data(), in->size());
  } else {
    out.emplace(*in);
  }
}

}  // namespace

void copy_record(const RecordView& view, Record& out) {
  out.topic.assign(view.topic.data(), view.topic.size());
  out.partition = view.partition;
  out.offset = view.offset;
  out.timestamp = view.timestamp;
  out.timestamp_type = view.timestamp_type;
  assign_bytes(out.key, view.key);
  assign_bytes(out.value, view.value);
  out.headers.resize(view.headers.size());
  for (size_t i = 0; i < view.headers.size(); ++i) {
    out.headers[i].key.assign(view.headers[i].key.data(), view.headers[i].key.size());
    assign_bytes(out.headers[i].value, view.headers[i].value);
  }
}

RecordView view_of(const Record& record, std::vector<HeaderView>& headers) {
  headers.clear();
  for (const auto& h : record.headers) {
    headers.push_back({h.key, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
  }
  RecordView v;
  v.topic = record.topic;
  v.partition = record.partition;
  v.offset = record.offset;
  v.timestamp = record.timestamp;
  v.timestamp_type = record.timestamp_type;
  if (record.key) {
    v.key = *record.key;
  }
  if (record.value) {
    v.value = *record.value;
  }
  v.headers = headers;
  return v;
}

}  // namespace evt
