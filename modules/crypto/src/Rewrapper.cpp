#include "Rewrapper.h"

#include "EnvelopeHeader.h"
#include "OwnerJson.h"

namespace kiod::crypto {

namespace {

// How long a pass waits before trying the catalog again after it refused a
// read or a write (overloaded, disk full).
constexpr std::chrono::seconds kRetryDelay{1};
// How often a running pass logs how far it got.
constexpr std::chrono::seconds kProgressInterval{5};

}  // namespace

Rewrapper::Rewrapper(KeyService& keys, catalog::WrappedKeyStore& store, RewrapSettings settings,
                     Poco::Logger& logger, ProgressSink progress)
    : keys_(keys),
      store_(store),
      settings_(settings),
      logger_(logger),
      reportProgress_(std::move(progress)) {
    thread_ = std::thread([this] { run(); });
}

Rewrapper::~Rewrapper() {
    stop();
}

void Rewrapper::start() {
    std::lock_guard lock(mutex_);
    requested_ = true;
    wake_.notify_all();
}

RewrapProgress Rewrapper::progress() const {
    std::lock_guard lock(mutex_);
    return progress_;
}

void Rewrapper::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Rewrapper::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return requested_ || stopping_; });
        if (stopping_) {
            return;
        }
        requested_ = false;
        lock.unlock();
        auto status = keys_.status();
        bool finished = status && pass(status->latestVersion);
        lock.lock();
        progress_.running = false;
        if (!status) {
            logger_.warning("rewrap not started: %s", status.status().message());
        } else if (finished && progress_.total > 0) {
            auto done = "rewrap to key version " + std::to_string(progress_.targetVersion) +
                        " done: " + std::to_string(progress_.rewrapped) + " rewrapped, " +
                        std::to_string(progress_.failed) + " failed";
            lock.unlock();
            reportProgress_(done);
            lock.lock();
        }
    }
}

bool Rewrapper::pass(std::uint32_t target) {
    auto counts = store_.countByVersion();
    while (!counts) {
        logger_.warning("rewrap waits for the catalog: %s", counts.status().message());
        if (!idle(kRetryDelay)) {
            return false;
        }
        counts = store_.countByVersion();
    }
    std::uint64_t total = 0;
    for (auto it = counts->begin(); it != counts->end() && it->first < target; ++it) {
        total += it->second;
    }
    {
        std::lock_guard lock(mutex_);
        progress_ = {target, true, total, 0, 0};
    }
    if (total == 0) {
        return true;
    }
    reportProgress_("rewrap to key version " + std::to_string(target) + ": " +
                    std::to_string(total) + " stored keys to move");
    auto started = std::chrono::steady_clock::now();
    auto nextReport = started;
    std::uint64_t visited = 0;
    catalog::WrappedKeyCursor cursor;
    while (true) {
        auto batch = store_.olderThan(target, cursor, settings_.batchSize);
        if (!batch) {
            logger_.warning("rewrap waits for the catalog: %s", batch.status().message());
            if (!idle(kRetryDelay)) {
                return false;
            }
            continue;
        }
        if (batch->empty()) {
            return true;
        }
        auto rewrapped = rewrap(batch.value());
        auto replaced = store_.replace(rewrapped);
        while (!replaced) {
            logger_.warning("rewrap waits for the catalog: %s", replaced.status().message());
            if (!idle(kRetryDelay)) {
                return false;
            }
            replaced = store_.replace(rewrapped);
        }
        cursor = {batch->back().keyVersion, batch->back().id};
        visited += batch->size();
        RewrapProgress now;
        {
            std::lock_guard lock(mutex_);
            progress_.rewrapped += replaced.value();
            now = progress_;
        }
        auto clock = std::chrono::steady_clock::now();
        if (clock >= nextReport) {
            reportProgress_("rewrap to key version " + std::to_string(target) + ": " +
                            std::to_string(now.rewrapped) + " of " + std::to_string(now.total) +
                            " rewrapped");
            nextReport = clock + kProgressInterval;
        }
        std::chrono::steady_clock::duration pause{};
        if (settings_.keysPerSecond > 0) {
            auto due =
                started +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(visited) /
                                                  static_cast<double>(settings_.keysPerSecond)));
            pause = due > clock ? due - clock : pause;
        }
        if (!idle(pause)) {
            return false;
        }
    }
}

bool Rewrapper::idle(std::chrono::steady_clock::duration delay) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, delay, [this] { return requested_ || stopping_; });
    return !requested_ && !stopping_;
}

std::vector<catalog::Rewrapped> Rewrapper::rewrap(const std::vector<catalog::WrappedKey>& batch) {
    std::vector<catalog::Rewrapped> rewrapped;
    rewrapped.reserve(batch.size());
    std::uint64_t failed = 0;
    for (const auto& key : batch) {
        auto owner = OwnerJson::parse(key.owner, "owner");
        auto sealed =
            owner ? keys_.rewrap(key.wrapped, owner.value()) : Result<Bytes>(owner.status());
        if (!sealed) {
            ++failed;
            logger_.warning("rewrap: stored data key %s stays under version %u: %s", key.id,
                            static_cast<unsigned>(key.keyVersion), sealed.status().message());
            continue;
        }
        // The version it is sealed under now: the latest, which may already
        // be past this pass's target if a rotation came in between.
        auto header = EnvelopeHeader::parse(sealed.value());
        rewrapped.push_back(
            {key.id, key.keyVersion, header->key.keyVersion, std::move(sealed).value()});
    }
    std::lock_guard lock(mutex_);
    progress_.failed += failed;
    return rewrapped;
}

}  // namespace kiod::crypto
