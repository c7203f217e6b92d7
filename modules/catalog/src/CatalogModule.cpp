#include "CatalogModule.h"

#include "SchemaMigrator.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>
#include <kiod/ModuleContext.h>
#include <kiod/StatusResponse.h>
#include <kiod/metrics/MetricsRegistry.h>

#include <Poco/ClassLibrary.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <ctime>
#include <filesystem>

namespace kiod::catalog {

namespace fs = std::filesystem;

void CatalogModule::configure(ConfigSection& section) {
    using std::chrono::milliseconds;
    settings_.path = section.getString("path", "");
    settings_.store.synchronousFull =
        section.getChoice("synchronous", "full", {"full", "normal"}) == "full";
    settings_.store.readers = section.getInt("readers", settings_.store.readers, 1, 256);
    settings_.store.mmapBytes =
        static_cast<std::int64_t>(section.getInt("mmap_mib", 2047, 0, 2047)) * 1024 * 1024;
    settings_.store.writeQueue = static_cast<std::size_t>(
        section.getInt("write_queue", static_cast<int>(settings_.store.writeQueue), 1, 1'000'000));
    settings_.store.watchBacklog = static_cast<std::size_t>(section.getInt(
        "watch_backlog", static_cast<int>(settings_.store.watchBacklog), 1, 10'000'000));
    settings_.changeLogMaxEntries =
        section.getInt("change_log.max_entries", settings_.changeLogMaxEntries, 1, 1'000'000'000);
    settings_.changeLogMaxAge =
        section.getDuration("change_log.max_age", settings_.changeLogMaxAge,
                            std::chrono::seconds(1), std::chrono::hours(24 * 365));
    settings_.maintenanceInterval =
        section.getDuration("maintenance_interval", settings_.maintenanceInterval,
                            milliseconds(100), std::chrono::hours(24));
    if (section.has("backup.listener")) {
        settings_.backupListener = section.getListener("backup.listener", "");
    }
    settings_.backupDir = section.getString("backup.dir", "");
    settings_.backupInterval = section.getDuration("backup.interval", milliseconds(0),
                                                   milliseconds(0), std::chrono::hours(24 * 365));
    settings_.backupKeep = section.getInt("backup.keep", settings_.backupKeep, 1, 10'000);
    auto& retention = settings_.retention;
    retention.finishedActions =
        section.getInt("retention.finished_actions", retention.finishedActions, 0, 100'000'000);
    retention.finishedStates =
        section.getList("retention.finished_states", retention.finishedStates);
    retention.actionResources = section.getList(
        "retention.resources",
        {"backupactions.actions.kio.kasten.io", "restoreactions.actions.kio.kasten.io",
         "batchrestoreactions.actions.kio.kasten.io", "exportactions.actions.kio.kasten.io",
         "importactions.actions.kio.kasten.io", "runactions.actions.kio.kasten.io",
         "validateactions.actions.kio.kasten.io", "reportactions.actions.kio.kasten.io",
         "backupclusteractions.actions.kio.kasten.io",
         "restoreclusteractions.actions.kio.kasten.io", "retireactions.actions.kio.kasten.io"});
}

void CatalogModule::initialize(ModuleContext& context) {
    auto& log = context.logger();
    auto dir = fs::path(context.dataDir()) / "catalog";
    if (settings_.path.empty()) {
        settings_.path = (dir / "model-store.db").string();
    }
    if (settings_.backupDir.empty()) {
        settings_.backupDir = (dir / "backups").string();
    }
    fs::create_directories(fs::path(settings_.path).parent_path());
    try {
        SchemaMigrator(catalogMigrations(), [&](const std::string& message) {
            context.reportProgress(message);
        }).prepare(settings_.path);
    } catch (const MigrationError& e) {
        throw StartupError(e.what());
    }
    settings_.store.path = settings_.path;
    backup_ = std::make_unique<CatalogBackup>(
        settings_.path, settings_.backupDir, settings_.backupKeep,
        [&context](const std::string& message) { context.reportProgress(message); });

    GroupCommitWriter::OnBatch onBatch;
    auto registry = context.services().find<metrics::MetricsRegistry>();
    if (registry) {
        metrics_ = std::make_shared<CatalogMetrics>(registry->registry(), settings_.path, *backup_);
        onBatch = [metrics = metrics_](std::size_t writes, std::chrono::nanoseconds commit) {
            metrics->batchCommitted(writes, commit);
        };
    }
    store_ = std::make_shared<SqliteObjectStore>(settings_.store, onBatch);
    retention_ = std::make_unique<Retention>(*store_, settings_.retention);
    if (registry) {
        metrics_->observe(*store_);
        registry->addCollectable(metrics_);
    }
    log.information("catalog %s open at revision %Lu", settings_.path,
                    static_cast<Poco::UInt64>(store_->currentRevision()));

    if (!settings_.backupListener.empty()) {
        context.router().mount(
            settings_.backupListener, "POST", "/catalog/backups",
            [backup = backup_.get()](RouteRequest&, Poco::Net::HTTPServerResponse& response) {
                auto info = backup->run();
                if (!info.isOk()) {
                    sendStatus(response, info.status());
                    return;
                }
                std::string body = "{\"file\":\"" + info->file +
                                   "\",\"bytes\":" + std::to_string(info->bytes) +
                                   ",\"sha256\":\"" + info->sha256 +
                                   "\",\"seconds\":" + std::to_string(info->seconds) + "}\n";
                response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_CREATED);
                response.setContentType("application/json");
                response.sendBuffer(body.data(), body.size());
            });
    }
    context.services().publish<ObjectStore>(store_);
    // The wrapped keys live on the object store's writer and readers: the
    // published pointer shares the object store's ownership, so that what a
    // consumer holds stays valid (once the catalog stops, its writes answer
    // Unavailable).
    context.services().publish<WrappedKeyStore>(
        std::shared_ptr<WrappedKeyStore>(store_, &store_->wrappedKeys()));
}

void CatalogModule::start() {
    nextBackup_ = std::chrono::steady_clock::now() + settings_.backupInterval;
    maintenance_ = std::thread([this] { maintain(); });
}

void CatalogModule::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (maintenance_.joinable()) {
        maintenance_.join();
    }
    if (store_) {
        store_->stop();
    }
}

HealthCheck CatalogModule::health() const {
    if (!store_) {
        return HealthCheck::failing("the catalog is not open");
    }
    if (store_->writesFailing()) {
        return HealthCheck::failing(
            "the catalog cannot be written (see the log: disk full or failing?)");
    }
    return HealthCheck::passing();
}

// Compaction and scheduled backups, off the request path.
void CatalogModule::maintain() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, settings_.maintenanceInterval, [&] { return stopping_; })) {
        lock.unlock();
        compact();
        retain();
        vacuum();
        if (settings_.backupInterval.count() > 0 &&
            std::chrono::steady_clock::now() >= nextBackup_) {
            nextBackup_ = std::chrono::steady_clock::now() + settings_.backupInterval;
            backup_->run();
        }
        lock.lock();
    }
}

void CatalogModule::retain() {
    auto removed = retention_->run(static_cast<std::int64_t>(std::time(nullptr)));
    if (removed > 0) {
        Poco::Logger::get("kiod.catalog").information("retention removed %z objects", removed);
    }
}

// auto_vacuum is incremental: free pages stay in the file until handed
// back, a few thousand at a time so that the writer is never held long.
void CatalogModule::vacuum() {
    store_->releaseFreePages(4096);
}

void CatalogModule::compact() {
    auto now = std::chrono::steady_clock::now();
    auto current = store_->currentRevision();
    history_.emplace_back(current, now);
    Revision upTo = 0;
    auto maxEntries = static_cast<Revision>(settings_.changeLogMaxEntries);
    if (current > maxEntries) {
        upTo = current - maxEntries;
    }
    // The newest revision that was already current max_age ago.
    while (history_.size() > 1 && now - history_[1].second >= settings_.changeLogMaxAge) {
        history_.pop_front();
    }
    if (now - history_.front().second >= settings_.changeLogMaxAge) {
        upTo = std::max(upTo, history_.front().first);
    }
    if (upTo > store_->compactedRevision()) {
        auto status = store_->compactChangeLog(upTo);
        if (!status) {
            Poco::Logger::get("kiod.catalog")
                .warning("change log compaction failed: %s", status.message());
        }
    }
}

}  // namespace kiod::catalog

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(kiod::catalog::CatalogModule)
POCO_END_MANIFEST
