#include "DrbgBatch.h"

#include <atomic>
#include <new>
#include <pthread.h>

namespace kiod::crypto {

namespace {

std::atomic<std::uint64_t> forks{0};

// Runs in the child right after fork(), in its only thread.
void countFork() {
    forks.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

std::uint64_t forkGeneration() {
    // glibc unregisters the handler when the module is unloaded.
    static const bool registered = [] {
        if (pthread_atfork(nullptr, nullptr, countFork) != 0) {
            throw std::bad_alloc();
        }
        return true;
    }();
    (void)registered;
    return forks.load(std::memory_order_relaxed);
}

}  // namespace kiod::crypto
