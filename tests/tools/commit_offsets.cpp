// Test-only fixture for the lag scenarios (never part of evt's CLI):
//   commit_offsets commit BROKERS GROUP TOPIC:PARTITION=OFFSET…   commits exact offsets
//   commit_offsets commit BROKERS GROUP TOPIC:*:N=OFFSET          all N partitions
//   commit_offsets produce BROKERS TOPIC PARTITIONS COUNT [TIMESTAMP_MS [VALUE_BYTES]]
//                                                  COUNT records into each partition
// Deterministic where kcat -G is not: the group commits exactly these offsets.
#include "evt/error.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/kafka/producer.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace evt;

int usage() {
  std::fprintf(stderr,
               "usage: commit_offsets commit BROKERS GROUP TOPIC:PARTITION=OFFSET…\n"
               "       commit_offsets commit BROKERS GROUP TOPIC:*:N=OFFSET\n"
               "       commit_offsets produce BROKERS TOPIC PARTITIONS COUNT [TS_MS [BYTES]]\n");
  return 2;
}

int commit(const kafka::ClientConfig& config, const std::string& group,
           const std::vector<std::string>& specs) {
  std::vector<kafka::StartPosition> offsets;
  for (const auto& spec : specs) {
    const auto eq = spec.rfind('=');
    const auto colon = spec.find(':');
    if (eq == std::string::npos || colon == std::string::npos || colon > eq) {
      return usage();
    }
    const std::string topic = spec.substr(0, colon);
    const std::string part = spec.substr(colon + 1, eq - colon - 1);
    const int64_t offset = std::stoll(spec.substr(eq + 1));
    if (part.rfind("*:", 0) == 0) {
      const int n = std::stoi(part.substr(2));
      for (int p = 0; p < n; ++p) {
        offsets.push_back({{topic, p}, offset});
      }
    } else {
      offsets.push_back({{topic, std::stoi(part)}, offset});
    }
  }
  kafka::ConsumerOptions options;
  options.group = group;
  kafka::Consumer consumer(config, options);
  consumer.commit(offsets);
  consumer.close();
  return 0;
}

int produce(const kafka::ClientConfig& config, const std::string& topic, int partitions, int count,
            int64_t timestamp, size_t bytes) {
  kafka::ProducerOptions options;
  options.idempotent = false;
  kafka::Producer producer(config, options);
  std::vector<kafka::DeliveryReport> reports;
  uint64_t token = 0;
  for (int i = 0; i < count; ++i) {
    for (int p = 0; p < partitions; ++p) {
      Record r;
      r.topic = topic;
      r.partition = p;
      r.timestamp = timestamp;
      r.value = std::string(bytes, 'x');
      producer.produce(r, token++);
    }
  }
  const size_t left = producer.flush(60000, reports);
  for (const auto& rep : reports) {
    if (!rep.delivered) {
      std::fprintf(stderr, "commit_offsets: delivery failed: %s\n", rep.error.c_str());
      return 3;
    }
  }
  return left == 0 ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3) {
    return usage();
  }
  kafka::ClientConfig config;
  config.brokers = args[1];
  config.timeout_ms = 20000;
  try {
    if (args[0] == "commit") {
      return commit(config, args[2], {args.begin() + 3, args.end()});
    }
    if (args[0] == "produce" && args.size() >= 5) {
      const int64_t ts = args.size() > 5 ? std::stoll(args[5]) : 0;
      const size_t bytes = args.size() > 6 ? std::stoul(args[6]) : 8;
      return produce(config, args[2], std::stoi(args[3]), std::stoi(args[4]), ts, bytes);
    }
  } catch (const evt::Error& e) {
    std::fprintf(stderr, "commit_offsets: %s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "commit_offsets: %s\n", e.what());
    return 2;
  }
  return usage();
}
