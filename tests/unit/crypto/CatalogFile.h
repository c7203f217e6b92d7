#pragma once

#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace kiod::crypto::test {

// A catalog file in a temporary directory, opened and closed as kiod's
// catalog module does across restarts: what the crypto module persists its
// keyring and stored data keys in.
class CatalogFile {
public:
    CatalogFile() {
        char pattern[] = "/tmp/kiod-crypto-XXXXXX";
        dir_ = mkdtemp(pattern);
        catalog::SchemaMigrator(catalog::catalogMigrations(), [](const std::string&) {
        }).prepare(path());
    }
    ~CatalogFile() {
        close();
        std::filesystem::remove_all(dir_);
    }

    // The temporary directory, for a test's own files beside the catalog.
    const std::string& dir() const { return dir_; }
    std::string path() const { return dir_ + "/model-store.db"; }

    // Opens the store (closing it first if open).
    catalog::SqliteObjectStore& open() {
        close();
        catalog::StoreOptions options;
        options.path = path();
        options.synchronousFull = false;
        store_ = std::make_unique<catalog::SqliteObjectStore>(options);
        return *store_;
    }

    void close() {
        if (store_) {
            store_->stop();
            store_.reset();
        }
    }

private:
    std::string dir_;
    std::unique_ptr<catalog::SqliteObjectStore> store_;
};

}  // namespace kiod::crypto::test
