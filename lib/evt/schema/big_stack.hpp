#pragma once

#include <cstddef>
#include <functional>

namespace evt::schema {

// Runs `work` on a thread with a large stack and waits for it, rethrowing
// whatever it threw. For recursive code evt does not own (valijson), whose
// depth evt bounds by input limits but whose frame sizes it cannot control.
void run_with_big_stack(const std::function<void()>& work, std::size_t stack_bytes = 256u << 20);

}  // namespace evt::schema
