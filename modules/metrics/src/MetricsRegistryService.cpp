#include "MetricsRegistryService.h"

#include <iterator>

namespace kiod::metrics {

void MetricsRegistryService::addCollectable(std::weak_ptr<prometheus::Collectable> collectable) {
    std::lock_guard lock(mutex_);
    collectables_.push_back(std::move(collectable));
}

std::vector<prometheus::MetricFamily> MetricsRegistryService::collect() {
    auto families = registry_->Collect();
    std::vector<std::shared_ptr<prometheus::Collectable>> live;
    {
        std::lock_guard lock(mutex_);
        std::erase_if(collectables_, [](const auto& weak) { return weak.expired(); });
        for (const auto& weak : collectables_) {
            if (auto collectable = weak.lock()) {
                live.push_back(std::move(collectable));
            }
        }
    }
    // Collect outside the lock: a collectable may be slow (it reads files).
    for (const auto& collectable : live) {
        auto more = collectable->Collect();
        families.insert(families.end(), std::make_move_iterator(more.begin()),
                        std::make_move_iterator(more.end()));
    }
    return families;
}

}  // namespace kiod::metrics
