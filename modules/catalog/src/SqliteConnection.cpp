#include "SqliteConnection.h"

namespace kiod::catalog {

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
    sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                        SQLITE_UTF8);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::span<const std::uint8_t> blob) {
    // SQLite binds a null pointer as NULL, and an empty vector may have one:
    // an empty blob is bound as such.
    if (blob.empty()) {
        sqlite3_bind_zeroblob(statement_, index, 0);
    } else {
        sqlite3_bind_blob64(statement_, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
    }
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
    sqlite3_bind_null(statement_, index);
    return *this;
}

bool SqliteStatement::step() {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    std::string message = sqlite3_errmsg(db_);
    sqlite3_reset(statement_);
    throw SqliteError(rc, std::string(sqlite3_db_filename(db_, "main")) + ": " + message);
}

void SqliteStatement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

std::string_view SqliteStatement::text(int column) const {
    auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    return data ? std::string_view(
                      data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                : std::string_view();
}

std::span<const std::uint8_t> SqliteStatement::blob(int column) const {
    auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
    return data ? std::span<const std::uint8_t>(
                      data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                : std::span<const std::uint8_t>();
}

SqliteConnection::SqliteConnection(const std::string& path, Mode mode) : path_(path) {
    int flags = SQLITE_OPEN_NOMUTEX;  // one thread per connection, by design
    switch (mode) {
        case Mode::kReadOnly:
            flags |= SQLITE_OPEN_READONLY;
            break;
        case Mode::kReadWrite:
            flags |= SQLITE_OPEN_READWRITE;
            break;
        case Mode::kReadWriteCreate:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
            break;
    }
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw SqliteError(rc, "cannot open " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Another process (a backup tool, sqlite3 for inspection) may hold a
    // lock for a moment; wait rather than fail.
    sqlite3_busy_timeout(db_, 10'000);
}

SqliteConnection::~SqliteConnection() {
    statements_.clear();  // finalize before closing
    sqlite3_close(db_);
}

void SqliteConnection::fail(int code, const std::string& what) const {
    throw SqliteError(code, path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteConnection::exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw SqliteError(rc, path_ + ": " + message);
    }
}

SqliteStatement& SqliteConnection::statement(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* prepared = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &prepared, nullptr);
        if (rc != SQLITE_OK) {
            fail(rc, "cannot prepare \"" + sql + "\"");
        }
        it = statements_.emplace(sql, std::make_unique<SqliteStatement>(db_, prepared)).first;
    }
    it->second->reset();
    return *it->second;
}

std::int64_t SqliteConnection::queryInteger(const std::string& sql) {
    auto& query = statement(sql);
    auto value = query.step() ? query.integer(0) : 0;
    query.reset();
    return value;
}

std::string SqliteConnection::queryText(const std::string& sql) {
    auto& query = statement(sql);
    std::string value = query.step() ? std::string(query.text(0)) : std::string();
    query.reset();
    return value;
}

}  // namespace kiod::catalog
