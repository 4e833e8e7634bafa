// A pthread with a chosen stack size: std::thread cannot set one. The stack
// is reserved address space; pages are only used as deep recursion touches them.
#include "evt/schema/big_stack.hpp"

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <csignal>

#include <exception>

#include "evt/error.hpp"
#include "evt/signals.hpp"

namespace evt::schema {

namespace {

struct Job {
  const std::function<void()>* work;
  std::exception_ptr error;
  std::atomic<bool> done{false};
};

void* trampoline(void* arg) {
  auto* job = static_cast<Job*>(arg);
  try {
    (*job->work)();
  } catch (...) {
    job->error = std::current_exception();
  }
  job->done = true;
  return nullptr;
}

}  // namespace

void run_with_big_stack(const std::function<void()>& work, std::size_t stack_bytes) {
  Job job;
  job.work = &work;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  const int rc = pthread_create(&thread, &attr, trampoline, &job);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    // No thread (address space limits): run here; the input limits still apply.
    work();
    return;
  }
  // SIGINT/SIGTERM land on the main thread, which would sit in
  // pthread_join while the worker stays blocked in read(2) (a pipe that
  // sends nothing). Once interrupted, the signal is passed on to the worker
  // until it finishes, so its blocking call returns EINTR and it sees the flag.
  while (!job.done) {
    if (interrupted()) {
      pthread_kill(thread, interrupt_signal());
    }
    struct timespec pause {
      0, 20 * 1000 * 1000
    };
    nanosleep(&pause, nullptr);
  }
  pthread_join(thread, nullptr);
  if (job.error) {
    std::rethrow_exception(job.error);
  }
}

}  // namespace evt::schema
