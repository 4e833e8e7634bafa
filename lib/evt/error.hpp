#pragma once

#include <stdexcept>
#include <string>

namespace evt {

// Process exit codes, documented in every man page (see conventions).
enum class ExitCode : int {
  ok = 0,
  no = 1,             // the command ran and the answer is "no"
  usage = 2,          // bad flag, bad config, unknown context or schema
  runtime = 3,        // broker failure, failed delivery, local I/O or runtime failure
  bad_input = 4,      // unparseable or schema-invalid record in user input
  interrupted = 130,  // SIGINT, after a clean flush/commit
};

// Base of every error evt throws; carries the exit code and an optional hint
// telling the user what to do next. Never thrown itself (the constructor is
// protected): throw one of the classes below, which fix the code. Only main()
// catches it to print it.
class Error : public std::runtime_error {
 public:
  ExitCode code() const noexcept { return m_code; }
  const std::string& hint() const noexcept { return m_hint; }

 protected:
  Error(ExitCode code, const std::string& what, std::string hint = {})
      : std::runtime_error(what), m_code(code), m_hint(std::move(hint)) {}

 private:
  ExitCode m_code;
  std::string m_hint;
};

// Throw when the user's flags, config file, context or schema name are wrong.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& what, std::string hint = {})
      : Error(ExitCode::usage, what, std::move(hint)) {}
};

// Throw when the local system fails us: a file that cannot be read or written,
// a full disk, a socket or process that breaks — runtime, but not the broker.
class RuntimeError : public Error {
 public:
  explicit RuntimeError(const std::string& what, std::string hint = {})
      : Error(ExitCode::runtime, what, std::move(hint)) {}
};

// Throw when the broker or the client library fails (connect, auth, delivery).
class BrokerError : public Error {
 public:
  explicit BrokerError(const std::string& what, std::string hint = {})
      : Error(ExitCode::runtime, what, std::move(hint)) {}
};

// Throw when a record or document the user handed us cannot be used.
class InputError : public Error {
 public:
  explicit InputError(const std::string& what, std::string hint = {})
      : Error(ExitCode::bad_input, what, std::move(hint)) {}
};

// Throw after a clean shutdown caused by SIGINT/SIGTERM.
class Interrupted : public Error {
 public:
  Interrupted() : Error(ExitCode::interrupted, "interrupted") {}
};

// Thrown when stdout is closed by the reader (EPIPE); main exits 0 quietly.
class BrokenPipe : public std::exception {
 public:
  const char* what() const noexcept override { return "broken pipe"; }
};

}  // namespace evt
