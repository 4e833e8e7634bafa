#pragma once

namespace evt {

// Installs SIGINT/SIGTERM handlers that only set a flag (and ignores
// SIGPIPE so a closed stdout becomes EPIPE). Loops poll interrupted().
void install_signal_handlers();

// True once SIGINT or SIGTERM arrived.
bool interrupted();

// The signal that arrived (SIGINT or SIGTERM), or 0.
int interrupt_signal();

} // namespace evt
