#pragma once

#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"

#include <filesystem>
#include <memory>
#include <string>

namespace kiod::catalog::test {

// A fresh catalog file in a temporary directory and a store on it.
struct StoreFixture {
    explicit StoreFixture(StoreOptions options = {}) {
        char pattern[] = "/tmp/kiod-store-XXXXXX";
        dir = mkdtemp(pattern);
        options.path = dir + "/model-store.db";
        path = options.path;
        SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
        impl = std::make_unique<SqliteObjectStore>(options);
    }
    ~StoreFixture() {
        impl.reset();
        std::filesystem::remove_all(dir);
    }

    ObjectStore& store() { return *impl; }

    std::string dir;
    std::string path;
    std::unique_ptr<SqliteObjectStore> impl;
};

inline const std::string kBackupActions = "backupactions.actions.kio.kasten.io";

// A BackupAction as the aggregated API would hand it over.
inline std::string action(const std::string& name, const std::string& app,
                          const std::string& state = "Pending",
                          const std::string& policy = "daily") {
    return R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction","metadata":{"name":")" +
           name + R"(","labels":{"k10.kasten.io/appName":")" + app +
           R"(","k10.kasten.io/policyName":")" + policy + R"("}},"spec":{"subject":{"name":")" +
           app + R"("}},"status":{"state":")" + state + R"("}})";
}

}  // namespace kiod::catalog::test
