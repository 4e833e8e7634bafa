#include "evt/dlq/inspect.hpp"

#include "evt/dlq/route.hpp"
#include "evt/dlq/scan.hpp"

namespace evt::dlq {
InspectReport inspect(const kafka::ClientConfig& config, const InspectRequest& request) {
  InspectReport report;
  report.topic = request.topic;
  ErrorGroups groups;
  scan_topic(config, request.topic, topic_ranges(config, request.topic), request.idle_timeout_ms,
             [&](const RecordView& r) {
               ++report.read;
               auto d = decode_dead_letter(request.topic, r.headers, request.decode);
               if (!selected(request.select, r, d)) {
                 return true;
               }
               ++report.selected;
               ++report.conventions[d.convention_name];
               report.undecodable += d.decodable() ? 0 : 1;
               report.no_origin += d.original_topic.empty() ? 1 : 0;
               groups.add(r.timestamp, d);
               if (report.shown.size() < request.show) {
                 ShownRecord s;
                 s.partition = r.partition;
                 s.offset = r.offset;
                 s.timestamp = r.timestamp;
                 if (r.key) {
                   s.key = std::string(*r.key);
                 }
                 s.redrives = redrive_count(r.headers).value_or(0);
                 s.dead = std::move(d);
                 report.shown.push_back(std::move(s));
               }
               return true;
             });
  report.groups = groups.sorted();
  return report;
}

}  // namespace evt::dlq
