#pragma once

#include <prometheus/collectable.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace kiod::catalog {

class CatalogBackup;
class SqliteObjectStore;

// The catalog's metrics. Disk space under the names the system kiod replaces
// uses (catalog_persistent_volume_*), so that existing dashboards and alerts
// keep working; kiod's own under kiod_catalog_*. Everything but the commit
// histograms is read at scrape time, never by scanning the catalog.
class CatalogMetrics : public prometheus::Collectable {
public:
    CatalogMetrics(prometheus::Registry& registry, std::string catalogPath,
                   const CatalogBackup& backup);

    // The store to report on; made after the metrics, since its writer
    // reports every batch here from the first commit on.
    void observe(SqliteObjectStore& store) { store_ = &store; }

    // GroupCommitWriter's OnBatch.
    void batchCommitted(std::size_t writes, std::chrono::nanoseconds commit);

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::string catalogPath_;
    std::atomic<SqliteObjectStore*> store_{nullptr};
    const CatalogBackup& backup_;
    prometheus::Histogram& batchSize_;
    prometheus::Histogram& commitSeconds_;
};

}  // namespace kiod::catalog
