#include "evt/lag/watch.hpp"

#include <algorithm>
#include <set>

namespace evt::lag {

void LagWatch::add(const LagSnapshot& snapshot, double time_s) {
  m_latest.clear();
  m_groups.clear();
  std::map<std::string, std::optional<bool>> has_members;
  std::set<std::string> undecided;  // groups with a committed partition still pending
  for (const auto& g : snapshot.groups) {
    m_groups[g.group] = LagStatus::pending;
    if (g.members) {
      has_members[g.group] = !g.members->empty();
    }
  }
  for (const auto& row : snapshot.partitions) {
    const Key key{row.group, row.partition};
    auto it = m_histories.try_emplace(key, m_window).first;
    it->second.add({time_s, row.committed, row.log_end, row.lag});
    const auto eval = evaluate(it->second, has_members[row.group]);
    m_latest[key] = eval;
    auto& group = m_groups[row.group];
    group = std::max(group, eval.status);
    if (eval.status == LagStatus::pending && row.committed) {
      undecided.insert(row.group);
    }
  }
  // "OK" needs every partition judged: one still waiting for its second
  // sample keeps the group pending, while any bad status shows at once.
  for (const auto& g : undecided) {
    if (m_groups[g] == LagStatus::ok) {
      m_groups[g] = LagStatus::pending;
    }
  }
}

std::optional<LagEvaluation> LagWatch::evaluation(const std::string& group,
                                                  const TopicPartition& partition) const {
  const auto it = m_latest.find({group, partition});
  if (it == m_latest.end()) {
    return std::nullopt;
  }
  return it->second;
}

LagStatus LagWatch::group_status(const std::string& group) const {
  const auto it = m_groups.find(group);
  return it == m_groups.end() ? LagStatus::pending : it->second;
}

LagStatus LagWatch::worst() const {
  LagStatus worst = LagStatus::pending;
  for (const auto& [g, s] : m_groups) {
    worst = std::max(worst, s);
  }
  return worst;
}

}  // namespace evt::lag
