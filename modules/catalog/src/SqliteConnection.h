#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kiod::catalog {

// An SQLite failure: the result code and SQLite's message, with the file.
// Internal to the catalog; the store turns it into a Status at its boundary.
class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    // The primary result code (SQLITE_FULL, SQLITE_CORRUPT, ...).
    int code() const { return code_ & 0xff; }
    // The extended result code (SQLITE_CONSTRAINT_UNIQUE, SQLITE_IOERR_WRITE, ...).
    int extendedCode() const { return code_; }

private:
    int code_;
};

// A prepared statement: bind, step, read columns, reset for reuse.
class SqliteStatement {
public:
    SqliteStatement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    ~SqliteStatement() { sqlite3_finalize(statement_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // Parameters are numbered from 1, as in SQL (?1, ?2...). Bound text is
    // not copied: it must stay alive until the statement is reset.
    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, std::string_view value);
    SqliteStatement& bind(int index, std::span<const std::uint8_t> blob);
    SqliteStatement& bindNull(int index);

    // Runs to the next row: true with a row to read, false when done.
    bool step();
    // Clears the bindings and rewinds, ready for the next use.
    void reset();

    std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
    bool isNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
    // Valid until the next step or reset.
    std::string_view text(int column) const;
    std::span<const std::uint8_t> blob(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* statement_;
};

// One connection to a catalog file. Not thread-safe: each thread (the
// writer, each reader) has its own. Statements prepared through statement()
// are kept and reused, since preparing costs more than running a point read.
class SqliteConnection {
public:
    enum class Mode { kReadWrite, kReadWriteCreate, kReadOnly };

    // Throws SqliteError naming the file.
    SqliteConnection(const std::string& path, Mode mode);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    const std::string& path() const { return path_; }
    sqlite3* handle() const { return db_; }

    // Runs one or more statements that return no rows.
    void exec(const std::string& sql);
    // A cached statement for `sql`, reset and ready to bind. The reference
    // is valid for the connection's lifetime; use it on this thread only.
    SqliteStatement& statement(const std::string& sql);
    // The first column of the first row of `sql` as an integer (PRAGMAs).
    std::int64_t queryInteger(const std::string& sql);
    std::string queryText(const std::string& sql);

    std::int64_t changes() const { return sqlite3_changes64(db_); }

    [[noreturn]] void fail(int code, const std::string& what) const;

private:
    std::string path_;
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
};

}  // namespace kiod::catalog
