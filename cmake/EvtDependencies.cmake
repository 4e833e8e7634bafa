# Every third-party dependency is found here, once, from Debian's packages
# (scripts/bootstrap installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka>=2.0)
# RE2 matches --where '~' patterns in linear time.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# SQLite: evt consume --dedupe-by's store of handled event ids.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
find_package(Threads REQUIRED)
# jemalloc replaces glibc's malloc in the evt binary (EVT_JEMALLOC).
if(EVT_JEMALLOC AND NOT EVT_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
# OpenSSL's libcrypto: HMAC-SHA256 for evt replay --redact.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(CLI11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
# valijson is header-only and ships no CMake config in Debian.
find_path(VALIJSON_INCLUDE_DIR valijson/schema.hpp REQUIRED)
# RapidJSON (header-only) parses events on evt publish's hot path.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
if(EVT_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
