#include "evt/consume/dedupe_store.hpp"

#include "evt/error.hpp"
#include "evt/read/position.hpp"

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace evt::consume {
namespace {

// Prune every this many recorded ids (the store holds at most this many
// ids beyond its window).
constexpr uint64_t k_prune_every = 1000;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

DedupeWindow parse_dedupe_window(std::string_view text) {
  DedupeWindow w;
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits) {
    if (text.size() > 12 || std::stoll(std::string(text)) <= 0) {
      throw UsageError("--dedupe-window: a count must be between 1 and 999999999999");
    }
    w.count = std::stoll(std::string(text));
    return w;
  }
  const auto ms = read::parse_duration(text);
  if (!ms || *ms <= 0) {
    throw UsageError("--dedupe-window: '" + std::string(text) + "' is neither a duration nor a count",
                     "e.g. 24h, 7d or 100000");
  }
  w.ms = *ms;
  return w;
}

std::string default_dedupe_store_path(std::string_view group) {
  std::filesystem::path dir;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
    dir = state;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::filesystem::path(home) / ".local" / "state";
  } else {
    throw UsageError("--dedupe-by: neither XDG_STATE_HOME nor HOME is set",
                     "give the store's file with --dedupe-store FILE");
  }
  // A group id may hold any character: keep the harmless ones, %XX the rest.
  std::string name;
  static const char* hex = "0123456789ABCDEF";
  for (const char c : group) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || (c == '.' && !name.empty())) {
      name += c;
    } else {
      name += '%';
      name += hex[u >> 4];
      name += hex[u & 15];
    }
  }
  return (dir / "evt" / "dedupe" / (name + ".sqlite")).string();
}

struct DedupeStore::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* select = nullptr;
  sqlite3_stmt* insert = nullptr;
  ~Impl() {
    sqlite3_finalize(select);
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
};

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what) {
  std::string hint;
  const int code = db != nullptr ? (sqlite3_errcode(db) & 0xff) : SQLITE_NOMEM;
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
    // The file is evt's own; say what it holds and how to get going again.
    hint = path +
           " is the SQLite file in which evt consume --dedupe-by keeps the ids of events this group "
           "handled; it is damaged or not such a file. Move it away (e.g. mv " +
           path + " " + path +
           ".bad) and run again: a new, empty store is created, so events handled before may run once "
           "more";
  }
  throw RuntimeError(
      "dedupe store " + path + ": " + what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"),
      hint);
}

void exec(sqlite3* db, const std::string& path, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail(db, path, "cannot prepare the store");
  }
}

}  // namespace

DedupeStore::DedupeStore(const std::string& path, const std::string& group, DedupeWindow window,
                         bool create_directory)
    : m_impl(std::make_unique<Impl>()), m_path(path), m_window(window) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !create_directory && !std::filesystem::is_directory(parent, ec)) {
    // A typo in a path the user gave must not become a fresh, empty store
    // somewhere else (every event would run again).
    throw UsageError("--dedupe-store " + path + ": the directory " + parent.string() + " does not exist",
                     "create it first, or leave --dedupe-store out to use the group's default store");
  }
  if (!parent.empty() && create_directory) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw RuntimeError("dedupe store " + path + ": cannot create its directory: " + ec.message());
    }
  }
  if (sqlite3_open_v2(path.c_str(), &m_impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    fail(m_impl->db, path, "cannot open");
  }
  // Other members of the group on this machine may write at the same time.
  sqlite3_busy_timeout(m_impl->db, 10000);
  // WAL: a transaction is in the file once it returns, so a SIGKILL right
  // after keeps it; NORMAL skips the fsync, which only a power loss needs.
  exec(m_impl->db, path, "PRAGMA journal_mode=WAL");
  exec(m_impl->db, path, "PRAGMA synchronous=NORMAL");
  exec(m_impl->db, path,
       "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
       "CREATE TABLE IF NOT EXISTS done(seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, at_ms INTEGER NOT "
       "NULL);"
       "CREATE INDEX IF NOT EXISTS done_at ON done(at_ms);");
  // The file names its group: a store given with --dedupe-store for another
  // group would skip records this group never handled.
  sqlite3_stmt* meta = nullptr;
  if (sqlite3_prepare_v2(m_impl->db, "INSERT OR IGNORE INTO meta(name, value) VALUES('group', ?)", -1, &meta,
                         nullptr) != SQLITE_OK) {
    fail(m_impl->db, path, "cannot prepare the store");
  }
  sqlite3_bind_text(meta, 1, group.data(), static_cast<int>(group.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(meta);
  sqlite3_finalize(meta);
  if (rc != SQLITE_DONE) {
    fail(m_impl->db, path, "cannot write");
  }
  if (sqlite3_prepare_v2(m_impl->db, "SELECT value FROM meta WHERE name = 'group'", -1, &meta, nullptr) !=
      SQLITE_OK) {
    fail(m_impl->db, path, "cannot read");
  }
  std::string owner;
  if (sqlite3_step(meta) == SQLITE_ROW) {
    owner.assign(reinterpret_cast<const char*>(sqlite3_column_text(meta, 0)),
                 static_cast<size_t>(sqlite3_column_bytes(meta, 0)));
  }
  sqlite3_finalize(meta);
  if (owner != group) {
    throw UsageError("dedupe store " + path + " belongs to another group", "give each group its own store");
  }
  if (sqlite3_prepare_v2(m_impl->db, "SELECT at_ms FROM done WHERE id = ?", -1, &m_impl->select, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(m_impl->db, "INSERT OR REPLACE INTO done(id, at_ms) VALUES(?, ?)", -1,
                         &m_impl->insert, nullptr) != SQLITE_OK) {
    fail(m_impl->db, path, "cannot prepare the store");
  }
  prune();
}

DedupeStore::~DedupeStore() = default;

bool DedupeStore::seen(std::string_view id) {
  auto* st = m_impl->select;
  sqlite3_reset(st);
  sqlite3_bind_blob(st, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    return false;
  }
  if (rc != SQLITE_ROW) {
    fail(m_impl->db, m_path, "cannot read");
  }
  const int64_t at = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return m_window.ms == 0 || at >= now_ms() - m_window.ms;
}

void DedupeStore::record(std::string_view id) {
  auto* st = m_impl->insert;
  sqlite3_reset(st);
  sqlite3_bind_blob(st, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now_ms());
  if (sqlite3_step(st) != SQLITE_DONE) {
    fail(m_impl->db, m_path, "cannot record a handled id");
  }
  sqlite3_reset(st);
  if (++m_since_prune >= k_prune_every) {
    prune();
  }
}

void DedupeStore::prune() {
  m_since_prune = 0;
  sqlite3_stmt* st = nullptr;
  const char* sql = m_window.ms > 0 ? "DELETE FROM done WHERE at_ms < ?"
                                    : "DELETE FROM done WHERE seq <= (SELECT MAX(seq) FROM done) - ?";
  if (sqlite3_prepare_v2(m_impl->db, sql, -1, &st, nullptr) != SQLITE_OK) {
    fail(m_impl->db, m_path, "cannot prune");
  }
  sqlite3_bind_int64(st, 1, m_window.ms > 0 ? now_ms() - m_window.ms : m_window.count);
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    fail(m_impl->db, m_path, "cannot prune");
  }
}

}  // namespace evt::consume
