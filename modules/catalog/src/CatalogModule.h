#pragma once

#include "CatalogBackup.h"
#include "CatalogMetrics.h"
#include "Retention.h"
#include "SqliteObjectStore.h"

#include <kiod/Module.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace kiod::catalog {

// [catalog]
struct CatalogSettings {
    std::string path;  // default data_dir/catalog/model-store.db
    StoreOptions store;
    // The change log keeps at most this many entries and this much history;
    // older entries are compacted away (watches from before: Expired).
    int changeLogMaxEntries = 1'000'000;
    std::chrono::milliseconds changeLogMaxAge = std::chrono::hours(24);
    std::chrono::milliseconds maintenanceInterval = std::chrono::minutes(1);
    std::string backupListener;                   // empty: no endpoint
    std::string backupDir;                        // default data_dir/catalog/backups
    std::chrono::milliseconds backupInterval{0};  // 0: no scheduled backups
    int backupKeep = 7;
    RetentionSettings retention;
};

// The durable store: opens (creating or migrating) the catalog file, serves
// the ObjectStore service, compacts the change log, takes backups.
class CatalogModule : public Module {
public:
    std::string name() const override { return "catalog"; }
    std::vector<std::string> optionalDependencies() const override { return {"metrics"}; }
    void configure(ConfigSection& section) override;
    void initialize(ModuleContext& context) override;
    void start() override;
    void stop() override;
    HealthCheck health() const override;

private:
    void maintain();
    void compact();
    void retain();
    void vacuum();

    CatalogSettings settings_;
    std::shared_ptr<SqliteObjectStore> store_;
    std::unique_ptr<CatalogBackup> backup_;
    std::shared_ptr<CatalogMetrics> metrics_;
    std::unique_ptr<Retention> retention_;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread maintenance_;
    std::chrono::steady_clock::time_point nextBackup_;
    // (revision, when) samples, oldest first, for compaction by age.
    std::deque<std::pair<Revision, std::chrono::steady_clock::time_point>> history_;
};

}  // namespace kiod::catalog
