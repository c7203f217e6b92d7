#include "CatalogMetrics.h"

#include "CatalogBackup.h"
#include "SqliteObjectStore.h"

#include <filesystem>
#include <sys/statvfs.h>

namespace kiod::catalog {

namespace {

prometheus::MetricFamily gauge(const char* name, const char* help, double value) {
    prometheus::ClientMetric metric;
    metric.gauge.value = value;
    return {name, help, prometheus::MetricType::Gauge, {metric}};
}

}  // namespace

CatalogMetrics::CatalogMetrics(prometheus::Registry& registry, std::string catalogPath,
                               const CatalogBackup& backup)
    : catalogPath_(std::move(catalogPath)),
      backup_(backup),
      batchSize_(prometheus::BuildHistogram()
                     .Name("kiod_catalog_commit_batch_size")
                     .Help("Writes committed together in one transaction (group commit).")
                     .Register(registry)
                     .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128,
                                                                      256, 512})),
      commitSeconds_(
          prometheus::BuildHistogram()
              .Name("kiod_catalog_commit_duration_seconds")
              .Help("Time to run and commit one batch of writes, fsync included, in seconds.")
              .Register(registry)
              .Add({},
                   prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                           0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})) {}

void CatalogMetrics::batchCommitted(std::size_t writes, std::chrono::nanoseconds commit) {
    batchSize_.Observe(static_cast<double>(writes));
    commitSeconds_.Observe(std::chrono::duration<double>(commit).count());
}

std::vector<prometheus::MetricFamily> CatalogMetrics::Collect() const {
    std::vector<prometheus::MetricFamily> families;
    struct statvfs disk {};
    auto dir = std::filesystem::path(catalogPath_).parent_path().string();
    if (statvfs(dir.c_str(), &disk) == 0 && disk.f_blocks > 0) {
        double total = static_cast<double>(disk.f_blocks) * disk.f_frsize;
        double available = static_cast<double>(disk.f_bavail) * disk.f_frsize;
        double used = total - static_cast<double>(disk.f_bfree) * disk.f_frsize;
        families.push_back(gauge("catalog_persistent_volume_disk_space_used_bytes",
                                 "Bytes used on the volume that holds the catalog.", used));
        families.push_back(gauge("catalog_persistent_volume_disk_space_available_bytes",
                                 "Bytes available to kiod on the volume that holds the catalog.",
                                 available));
        families.push_back(gauge("catalog_persistent_volume_free_space_percent",
                                 "Percentage of the catalog's volume available to kiod.",
                                 100.0 * available / total));
    }
    std::error_code noFile;
    auto walBytes = std::filesystem::file_size(catalogPath_ + "-wal", noFile);
    families.push_back(gauge("kiod_catalog_wal_bytes",
                             "Size of the catalog's write-ahead log, in bytes.",
                             noFile ? 0.0 : static_cast<double>(walBytes)));
    auto fileBytes = std::filesystem::file_size(catalogPath_, noFile);
    families.push_back(gauge("kiod_catalog_file_bytes",
                             "Size of the catalog's database file, in bytes.",
                             noFile ? 0.0 : static_cast<double>(fileBytes)));
    if (auto* store = store_.load()) {
        prometheus::MetricFamily actions{
            "catalog_actions_count", "Number of actions", prometheus::MetricType::Gauge, {}};
        for (const auto& row : store->actionCounts()) {
            prometheus::ClientMetric metric;
            metric.label = {{"liveness", row.liveness},
                            {"namespace", row.action.ns},
                            {"policy", row.action.policy},
                            {"status", row.action.status},
                            {"type", row.action.type}};
            metric.gauge.value = static_cast<double>(row.count);
            actions.metric.push_back(std::move(metric));
        }
        families.push_back(std::move(actions));
        families.push_back(gauge("kiod_catalog_write_queue_depth",
                                 "Writes waiting for the catalog's writer.",
                                 static_cast<double>(store->writeQueueDepth())));
        families.push_back(gauge("kiod_catalog_revision", "The last committed revision.",
                                 static_cast<double>(store->currentRevision())));
        // Every revision after the compaction point is in the log.
        families.push_back(
            gauge("kiod_catalog_change_log_entries", "Changes kept in the change log for watches.",
                  static_cast<double>(store->currentRevision() - store->compactedRevision())));
        families.push_back(gauge("kiod_catalog_watches", "Open watches on the catalog.",
                                 static_cast<double>(store->watchers())));
    }
    auto last = backup_.last();
    families.push_back(
        gauge("kiod_catalog_last_backup_timestamp_seconds",
              "When the last successful backup finished (Unix seconds; 0: none yet).",
              static_cast<double>(last.finishedAt)));
    families.push_back(gauge("kiod_catalog_last_backup_bytes",
                             "Size of the last successful backup, in bytes.",
                             static_cast<double>(last.bytes)));
    return families;
}

}  // namespace kiod::catalog
