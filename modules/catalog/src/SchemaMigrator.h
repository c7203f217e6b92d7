#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiod::catalog {

class SqliteConnection;

// One numbered step of the catalog's schema. `sql` runs in one transaction
// with the bump of SCHEMAVERSION, so a step is applied whole or not at all.
struct Migration {
    int version;
    std::string description;
    std::string sql;
};

// The catalog's migrations, embedded in the binary, in order from 1.
const std::vector<Migration>& catalogMigrations();

// Why the catalog file cannot be opened at this schema: newer than the
// binary, a failed migration, not enough space. The message says what to do.
class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Brings a catalog file to the newest schema: creates it when absent;
// upgrades an older one by copying it (SQLite's backup API), migrating the
// copy and renaming it over the original, so that a failure at any point
// leaves the original byte for byte as it was; refuses a newer one.
class SchemaMigrator {
public:
    using Progress = std::function<void(const std::string& message)>;

    // `progress` hears of each phase, and every `progressInterval` while a
    // migration step runs.
    SchemaMigrator(const std::vector<Migration>& migrations, Progress progress,
                   std::chrono::milliseconds progressInterval = std::chrono::seconds(5));

    int latestVersion() const;

    // Throws MigrationError.
    void prepare(const std::string& path) const;

    // SCHEMAVERSION in the file's meta table; throws MigrationError when the
    // file is not a catalog.
    static int schemaVersion(SqliteConnection& connection);

private:
    void create(const std::string& path) const;
    void upgrade(const std::string& path, int from) const;
    void apply(SqliteConnection& connection, const Migration& migration) const;

    const std::vector<Migration>& migrations_;
    Progress progress_;
    std::chrono::milliseconds progressInterval_;
};

}  // namespace kiod::catalog
