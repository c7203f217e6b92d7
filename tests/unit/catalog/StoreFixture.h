#pragma once

#include "SchemaMigrator.h"
#include "ScratchDirectory.h"
#include "SqliteObjectStore.h"

#include <memory>
#include <string>

namespace kiod::catalog::test {

// A fresh catalog file in a temporary directory and a store on it.
struct StoreFixture {
    explicit StoreFixture(StoreOptions options = {}) {
        options.path = path;
        SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
        impl = std::make_unique<SqliteObjectStore>(options);
    }

    ObjectStore& store() { return *impl; }

    kiod::test::ScratchDirectory scratch;
    std::string dir = scratch.path;
    std::string path = dir + "/model-store.db";
    std::unique_ptr<SqliteObjectStore> impl;  // closed before scratch goes
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
