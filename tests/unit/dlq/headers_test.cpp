#include "evt/dlq/headers.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace evt::dlq;

TEST_CASE("dlq headers: the original record plus evt's header set, and back") {
  evt::Record original;
  original.topic = "orders";
  original.partition = 3;
  original.offset = 1234567890123;
  original.timestamp = 1763900000123;
  original.timestamp_type = evt::TimestampType::create_time;
  original.key = "c-1";
  original.value = std::string("\xff\x00v", 3);
  original.headers = {{"ce_id", std::string("e-1")},
                      {"evt_dlq_error", std::string("exit:1")},  // from an earlier dead-lettering
                      {"n", std::nullopt}};
  DeadLetterInfo info;
  info.original_topic = "orders";
  info.original_partition = 3;
  info.original_offset = 1234567890123;
  info.original_timestamp = 1763900000123;
  info.original_timestamp_type = evt::TimestampType::create_time;
  info.group = "billing";
  info.error = "signal:SEGV";
  info.error_message = "boom\n\x1b[31mred";
  info.attempts = 4;
  info.handler = "./handle --fast";
  info.time_ms = 1763900009999;
  const auto dl = dead_letter_record(original, info, "orders-dlq");
  CHECK(dl.topic == "orders-dlq");
  CHECK(dl.partition == -1);
  CHECK(dl.key == original.key);
  CHECK(dl.value == original.value);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& h : dl.headers) {
    got.emplace_back(h.key, h.value.value_or("<null>"));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"ce_id", "e-1"},
      {"n", "<null>"},
      {"evt_dlq_version", "1"},
      {"evt_dlq_original_topic", "orders"},
      {"evt_dlq_original_partition", "3"},
      {"evt_dlq_original_offset", "1234567890123"},
      {"evt_dlq_original_timestamp", "1763900000123"},
      {"evt_dlq_original_timestamp_type", "create"},
      {"evt_dlq_group", "billing"},
      {"evt_dlq_error", "signal:SEGV"},
      {"evt_dlq_error_message", "boom\\n\\x1b[31mred"},
      {"evt_dlq_attempts", "4"},
      {"evt_dlq_handler", "./handle --fast"},
      {"evt_dlq_time", "1763900009999"},
  };
  CHECK(got == expected);  // no evt_dlq_exit_code after a signal
  const auto back = read_dead_letter_info(dl.headers);
  REQUIRE(back.has_value());
  CHECK(back->original_topic == "orders");
  CHECK(back->original_partition == 3);
  CHECK(back->original_offset == 1234567890123);
  CHECK(back->original_timestamp == 1763900000123);
  CHECK(back->original_timestamp_type == evt::TimestampType::create_time);
  CHECK(back->group == "billing");
  CHECK(back->error == "signal:SEGV");
  CHECK(back->error_message == "boom\\n\\x1b[31mred");
  CHECK(back->attempts == 4);
  CHECK_FALSE(back->exit_code.has_value());
  CHECK(back->handler == "./handle --fast");
  CHECK(back->time_ms == 1763900009999);
}

TEST_CASE("dlq headers: exit code present after an exit; no timestamp, no timestamp headers") {
  evt::Record original;
  original.topic = "t";
  DeadLetterInfo info;
  info.original_topic = "t";
  info.original_partition = 0;
  info.original_offset = 5;
  info.error = "exit:65";
  info.exit_code = 65;
  info.attempts = 1;
  const auto dl = dead_letter_record(original, info, "t-dlq");
  std::map<std::string, std::string> h;
  for (const auto& x : dl.headers) {
    h[x.key] = x.value.value_or("");
  }
  CHECK(h.at("evt_dlq_exit_code") == "65");
  CHECK(h.count("evt_dlq_original_timestamp") == 0);
  CHECK(h.count("evt_dlq_original_timestamp_type") == 0);
  CHECK_FALSE(dl.key.has_value());
  CHECK_FALSE(dl.value.has_value());
  CHECK(read_dead_letter_info(dl.headers)->exit_code == 65);
  CHECK_FALSE(read_dead_letter_info({{"x", std::string("y")}}).has_value());
}

TEST_CASE("dlq headers: the error message is bounded, escaped and cut at a character boundary") {
  std::string long_text(3000, 'a');
  long_text +=
      "\xc3\xa9"
      "end";  // é
  const auto m = bounded_error_message(long_text);
  CHECK(m.size() <= k_error_message_limit);
  CHECK(
      m.ends_with("\xc3\xa9"
                  "end"));
  std::string controls(2000, '\x01');
  const auto c = bounded_error_message(controls);
  CHECK(c.size() <= k_error_message_limit);
  CHECK(c.find('\x01') == std::string::npos);
  CHECK(bounded_error_message("") == "");
}

TEST_CASE("dlq headers: the escaped error message reads back as the bytes it was") {
  for (const auto& text : {std::string("boom\n\x1b[31mred"), std::string("a\\b\tc\r"),
                           std::string("\x7f\xff\x01 ok \xc3\xa9"), std::string()}) {
    CHECK(unescape_error_message(bounded_error_message(text)) == text);
  }
  CHECK(unescape_error_message("boom\\x1b[31m") == "boom\x1b[31m");
  // A cut inside an escape keeps what cannot be read back as it is.
  CHECK(unescape_error_message("x1b \\") == "x1b \\");
  CHECK(unescape_error_message("\\q \\x1 \\xzz") == "\\q \\x1 \\xzz");
}
