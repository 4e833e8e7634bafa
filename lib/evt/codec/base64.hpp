#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace evt::codec {

// Standard base64 (RFC 4648) with padding.
std::string base64_encode(std::string_view bytes);

// Decodes standard base64 (padding optional); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace evt::codec
