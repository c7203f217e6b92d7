#pragma once

#include "KeyringStore.h"
#include "PasskeyTestSupport.h"
#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

namespace kiod::crypto::test {

// A catalog file in a temporary directory, opened and closed as kiod's
// catalog module does across restarts.
class CatalogFile {
public:
    CatalogFile() {
        char pattern[] = "/tmp/kiod-keyring-XXXXXX";
        dir_ = mkdtemp(pattern);
        catalog::SchemaMigrator(catalog::catalogMigrations(), [](const std::string&) {
        }).prepare(path());
    }
    ~CatalogFile() {
        close();
        std::filesystem::remove_all(dir_);
    }

    // The temporary directory, for files of the test's own beside the
    // catalog.
    const std::string& dir() const { return dir_; }
    std::string path() const { return dir_ + "/model-store.db"; }

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

    // A fresh keyring unlocked from this catalog with `passkey`, as a
    // start of kiod configured with it unlocks it.
    std::pair<Status, std::shared_ptr<Keyring>> unlock(const Passkey& passkey) {
        auto keyring = std::make_shared<Keyring>(KeyringStore::kKeyId);
        auto opened = KeyringStore(open(), kFastScrypt).open(passkey, *keyring);
        return {opened.status(), keyring};
    }
    std::pair<Status, std::shared_ptr<Keyring>> unlock(const std::string& passphraseText) {
        return unlock(passphrase(passphraseText));
    }

private:
    std::string dir_;
    std::unique_ptr<catalog::SqliteObjectStore> store_;
};

}  // namespace kiod::crypto::test
