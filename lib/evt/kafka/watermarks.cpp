#include "evt/kafka/watermarks.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <exception>
#include <future>

namespace evt::kafka {

size_t chunk_size(size_t count, size_t min_chunk, size_t max_chunks) {
  if (max_chunks == 0) {
    return count;
  }
  const size_t even = (count + max_chunks - 1) / max_chunks;
  return std::max<size_t>({even, min_chunk, 1});
}

struct Watermarks::Impl : ClientParts {
  using ClientParts::ClientParts;
};

Watermarks::Watermarks(const ClientConfig& config) : Watermarks(Client(config)) {}

Watermarks::Watermarks(const Client& client) : m_impl(std::make_unique<Impl>(client.core())) {}

Watermarks::Watermarks(std::shared_ptr<Client::Core> core)
    : m_impl(std::make_unique<Impl>(std::move(core))) {}

Watermarks::~Watermarks() = default;

namespace {

// One blocking offsets_for_times call (thread-safe on a shared handle):
// librdkafka sends one ListOffsets per broker leading any of the partitions.
void query(rd_kafka_t* rk, const TopicPartition* first, size_t count, int64_t spec,
           int64_t OffsetRange::*field, OffsetRange* out, const ClientConfig& config) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(count)));
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_topic_partition_list_add(tpl.get(), first[i].topic.c_str(), first[i].partition)->offset = spec;
  }
  const auto err = rd_kafka_offsets_for_times(rk, tpl.get(), config.timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot list offsets", config.brokers);
  }
  // The answer keeps the order of the request, so no search is needed.
  if (static_cast<size_t>(tpl->cnt) != count) {
    throw BrokerError("cannot list offsets: the answer does not match the request");
  }
  for (int i = 0; i < tpl->cnt; ++i) {
    const auto& e = tpl->elems[i];
    if (e.partition != first[i].partition || first[i].topic != e.topic) {
      throw BrokerError("cannot list offsets: the answer does not match the request");
    }
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error(
          e.err, "cannot list offsets of " + std::string(e.topic) + "[" + std::to_string(e.partition) + "]",
          config.brokers);
    }
    out[i].*field = e.offset;
  }
}

}  // namespace

std::map<TopicPartition, OffsetRange> Watermarks::ranges(const std::vector<TopicPartition>& partitions) {
  std::vector<OffsetRange> found(partitions.size());
  const size_t chunk = std::min(chunk_size(partitions.size(), k_min_chunk, k_max_chunks), k_max_chunk);
  if (chunk < partitions.size()) {
    // Parallel calls on a cold topic cache would each ask for metadata.
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(m_impl->rk.get(), 1, nullptr, &md, m_impl->config.timeout_ms) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      MetadataPtr owned(md);
    }
  }
  // Waves of k_max_chunks slices (two calls each, one per end of the log).
  const size_t wave = chunk * k_max_chunks;
  for (size_t wave_begin = 0; wave_begin < partitions.size(); wave_begin += wave) {
    if (interrupted()) {
      throw Interrupted();
    }
    const size_t wave_end = std::min(partitions.size(), wave_begin + wave);
    std::vector<std::future<void>> jobs;
    for (size_t begin = wave_begin; begin < wave_end; begin += chunk) {
      const size_t n = std::min(chunk, wave_end - begin);
      for (auto [spec, field] : {std::pair{static_cast<int64_t>(OffsetSpec::earliest), &OffsetRange::start},
                                 std::pair{static_cast<int64_t>(OffsetSpec::latest), &OffsetRange::end}}) {
        jobs.push_back(std::async(std::launch::async, query, m_impl->rk.get(), &partitions[begin], n, spec,
                                  field, &found[begin], std::cref(m_impl->config)));
      }
    }
    std::exception_ptr first_error;
    for (auto& job : jobs) {
      try {
        job.get();
      } catch (...) {
        if (!first_error) {
          first_error = std::current_exception();
        }
      }
    }
    if (first_error) {
      std::rethrow_exception(first_error);
    }
  }
  std::map<TopicPartition, OffsetRange> out;
  for (size_t i = 0; i < partitions.size(); ++i) {
    out.emplace(partitions[i], found[i]);
  }
  return out;
}

}  // namespace evt::kafka
