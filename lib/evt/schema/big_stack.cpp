// A pthread with a chosen stack size: std::thread cannot set one. The stack
// is reserved address space; pages are only used as deep recursion touches them.
#include "evt/schema/big_stack.hpp"

#include <pthread.h>

#include <exception>

#include "evt/error.hpp"

namespace evt::schema {

namespace {

struct Job {
  const std::function<void()>* work;
  std::exception_ptr error;
};

void* trampoline(void* arg) {
  auto* job = static_cast<Job*>(arg);
  try {
    (*job->work)();
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}

}  // namespace

void run_with_big_stack(const std::function<void()>& work, std::size_t stack_bytes) {
  Job job{&work, nullptr};
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
  pthread_join(thread, nullptr);
  if (job.error) {
    std::rethrow_exception(job.error);
  }
}

}  // namespace evt::schema
