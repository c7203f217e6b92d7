#include "Retention.h"

#include <Poco/Logger.h>

namespace kiod::catalog {

namespace {

constexpr std::size_t kBatch = 100;
constexpr int kBatchesPerRun = 10;

}  // namespace

bool Retention::removeAll(const std::vector<ObjectKey>& keys, const char* why,
                          std::size_t& removed) {
    for (const auto& key : keys) {
        auto result = store_.remove(key, {});
        if (result.isOk()) {
            ++removed;
        } else if (result.status().code() != StatusCode::kNotFound) {
            Poco::Logger::get("kiod.catalog")
                .warning("retention: cannot remove %s %s/%s (%s): %s", key.resource, key.ns,
                         key.name, std::string(why), result.status().message());
            return false;
        }
    }
    return true;
}

std::size_t Retention::run(std::int64_t now) {
    std::size_t removed = 0;
    for (int batch = 0; batch < kBatchesPerRun; ++batch) {
        auto expired = store_.expiredObjects(now, kBatch);
        if (!removeAll(expired, "spec.expiresAt has passed", removed) || expired.size() < kBatch) {
            break;
        }
    }
    if (settings_.finishedActions == 0) {
        return removed;
    }
    for (const auto& resource : settings_.actionResources) {
        for (int batch = 0; batch < kBatchesPerRun; ++batch) {
            auto surplus =
                store_.objectsBeyond(resource, settings_.finishedStates,
                                     static_cast<std::size_t>(settings_.finishedActions), kBatch);
            if (!removeAll(surplus, "beyond retention.finished_actions", removed) ||
                surplus.size() < kBatch) {
                break;
            }
        }
    }
    return removed;
}

}  // namespace kiod::catalog
