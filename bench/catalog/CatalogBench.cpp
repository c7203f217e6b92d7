// bench/catalog: the catalog's store measured through its public interface,
// next to a minimal program doing the same on raw SQLite with the same
// durability, in one run on one machine. See bench/catalog/run.sh.
//
//   catalog_bench load DIR N          load N objects (1 KB JSON, 100 namespaces, real labels)
//   catalog_bench measure DIR N [SEED [normal]]  writes, gets and list pages on the catalog
//   catalog_bench grow DIR SEED N     copy the SEED loaded objects with SQL until there are N
//   catalog_bench startup DIR         open the catalog as kiod does; print seconds and RSS
//   catalog_bench raw DIR N           the raw SQLite peer
//   catalog_bench raw-schema DIR N    raw SQLite writing the catalog's own rows: the ceiling
#include "SchemaMigrator.h"
#include "SqliteConnection.h"
#include "SqliteObjectStore.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace kiod::catalog;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kResource = "backupactions.actions.kio.kasten.io";
constexpr int kNamespaces = 100;

std::string nsOf(long i) {
    return "app-" + std::to_string(i % kNamespaces);
}
std::string nameOf(long i) {
    return "backup-" + std::to_string(i);
}

// A BackupAction of about 1 KB with the labels a backup platform sets.
std::string objectJson(long i, const std::string& name) {
    auto ns = nsOf(i);
    std::string json =
        R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction","metadata":{"name":")" +
        name + R"(","namespace":")" + ns + R"(","labels":{"k10.kasten.io/appName":")" + ns +
        R"(","k10.kasten.io/appNamespace":")" + ns + R"(","k10.kasten.io/policyName":"policy-)" +
        std::to_string(i % 7) + R"(","k10.kasten.io/runActionName":"run-)" +
        std::to_string(i / 50) +
        R"("}},"spec":{"subject":{"apiVersion":"apps.kio.kasten.io/v1alpha1","kind":"Application","name":")" +
        ns + R"(","namespace":")" + ns +
        R"("}},"status":{"state":"Complete","progress":100,"detail":")";
    json.append(1024 - std::min<std::size_t>(json.size() + 4, 1024), 'x');
    return json + "\"}}";
}

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

double percentile(std::vector<double> samples, double p) {
    std::sort(samples.begin(), samples.end());
    return samples[static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1))];
}

long rssKiB() {
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmRSS:") {
            status >> value;
            return value;
        }
        status.ignore(1 << 20, '\n');
    }
    return 0;
}

// Runs `work(thread, i)` from `threads` threads until `duration` passes; the
// number of calls per second.
template <class Work>
double rate(int threads, std::chrono::seconds duration, Work work) {
    std::atomic<long> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    auto started = Clock::now();
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
                work(t, i);
                done.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    std::this_thread::sleep_for(duration);  // the measurement window, not synchronization
    stop = true;
    for (auto& worker : workers) {
        worker.join();
    }
    return static_cast<double>(done.load()) / seconds(Clock::now() - started);
}

// Runs `insert(i)` for i below `count` in one transaction on `db`: inserts
// per second.
template <class Insert>
double oneTransactionRate(SqliteConnection& db, long count, Insert insert) {
    auto started = Clock::now();
    db.exec("BEGIN");
    for (long i = 0; i < count; ++i) {
        insert(i);
    }
    db.exec("COMMIT");
    return static_cast<double>(count) / seconds(Clock::now() - started);
}

// Runs `insertNext()` 32 times per transaction on `db` for three seconds,
// as a group commit of 32 writers would: inserts per second.
template <class InsertNext>
double groupRate(SqliteConnection& db, InsertNext insertNext) {
    constexpr int kWriters = 32;
    return kWriters * rate(1, std::chrono::seconds(3), [&](int, long) {
               db.exec("BEGIN");
               for (int k = 0; k < kWriters; ++k) {
                   insertNext();
               }
               db.exec("COMMIT");
           });
}

std::string catalogPath(const std::string& dir) {
    return dir + "/model-store.db";
}

int load(const std::string& dir, long count) {
    auto path = catalogPath(dir);
    SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
    SqliteObjectStore store({.path = path, .writeQueue = 100'000});
    auto started = Clock::now();
    std::atomic<long> next{0};
    std::vector<std::thread> writers;
    // As many writers as a batch holds writes (kMaxBatch): the load is a
    // means to an end, and full batches make it several times faster.
    for (int t = 0; t < 512; ++t) {
        writers.emplace_back([&] {
            for (long i; (i = next.fetch_add(1)) < count;) {
                auto created =
                    store.create({kResource, nsOf(i), nameOf(i)}, objectJson(i, nameOf(i)));
                if (!created.isOk()) {
                    std::fprintf(stderr, "load: %s\n", created.status().message().c_str());
                    std::exit(1);
                }
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
    std::printf("load_objects %ld\nload_seconds %.1f\n", count, seconds(Clock::now() - started));
    return 0;
}

// Multiplies the catalog that `load` made (its first `seed` objects) until
// it holds `count`, with INSERT ... SELECT in one transaction per copy:
// loading 10 M objects through the store would take hours here, and
// startup, reads and list pages only need them to be there. Each copy gets
// new ids, revisions and uids, and names with a suffix -gK, in its JSON as
// in its rows, labels and change-log entries.
int grow(const std::string& dir, long seed, long count) {
    SqliteConnection db(catalogPath(dir), SqliteConnection::Mode::kReadWrite);
    db.exec("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1048576");
    auto top = db.queryInteger("SELECT max(revision) FROM changes");
    auto started = Clock::now();
    long copies = count / seed - 1;
    for (long k = 1; k <= copies; ++k) {
        auto offset = std::to_string(top * k);
        auto suffix = "'-g" + std::to_string(k) + "'";
        // The version 4 uuid that replaces a copy's uid, in the JSON too.
        const std::string uuid =
            "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
            "substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || "
            "hex(randomblob(6)))";
        db.exec("BEGIN");
        db.exec("CREATE TEMP TABLE copy AS SELECT id, " + uuid +
                " AS uid FROM objects WHERE id <= " + std::to_string(top));
        db.exec("INSERT INTO objects SELECT o.id + " + offset +
                ", o.resource_id, o.namespace, o.name || " + suffix +
                ", c.uid, o.created_at, o.revision + " + offset +
                ", o.state, o.expires_at, "
                "replace(replace(replace(o.json, '\"name\":\"' || o.name || '\"', '\"name\":\"' || "
                "o.name || " +
                suffix +
                " || '\"'), o.uid, c.uid), '\"resourceVersion\":\"' || o.revision || '\"', "
                "'\"resourceVersion\":\"' || (o.revision + " +
                offset + ") || '\"') FROM objects o JOIN copy c ON c.id = o.id ORDER BY o.id");
        db.exec("INSERT INTO labels SELECT resource_id, key, value, namespace, name || " + suffix +
                ", object_id + " + offset + " FROM labels WHERE object_id <= " +
                std::to_string(top) + " ORDER BY 1, 2, 3, 4, 5");
        db.exec("INSERT INTO changes SELECT revision + " + offset +
                ", type, resource_id, namespace, name || " + suffix +
                ", json FROM changes WHERE revision <= " + std::to_string(top) +
                " ORDER BY revision");
        db.exec("DROP TABLE copy; COMMIT");
        std::fprintf(stderr, "grow: %ld of %ld objects\n", seed * (k + 1), count);
    }
    db.exec("UPDATE action_counts SET count = count * " + std::to_string(copies + 1));
    db.queryText("PRAGMA wal_checkpoint(TRUNCATE)");
    auto grown = db.queryInteger("SELECT count(*) FROM objects");
    std::printf("grow_objects %lld\ngrow_seconds %.1f\n", static_cast<long long>(grown),
                seconds(Clock::now() - started));
    return 0;
}

// The key of the i-th object of a catalog loaded with `seed` objects and
// grown: grow's copy K of object I is backup-I-gK.
ObjectKey keyAt(long i, long seed) {
    auto name = nameOf(i % seed);
    if (i >= seed) {
        name += "-g" + std::to_string(i / seed);
    }
    return {kResource, nsOf(i % seed), name};
}

int measure(const std::string& dir, long count, long seed, bool synchronousFull) {
    SqliteObjectStore store(
        {.path = catalogPath(dir), .synchronousFull = synchronousFull, .writeQueue = 100'000});
    std::mt19937_64 random(42);
    std::atomic<long> fresh{count};
    // Names of this run's own, so that measure can run again on one load.
    auto run = std::to_string(getpid());
    auto writeOne = [&](int, long) {
        long i = fresh.fetch_add(1);
        auto name = nameOf(i) + "-" + run;
        auto created = store.create({kResource, nsOf(i), name}, objectJson(i, name));
        if (!created.isOk()) {
            std::fprintf(stderr, "write: %s\n", created.status().message().c_str());
            std::exit(1);
        }
    };
    std::printf("store_writes_per_second_1_writer %.0f\n",
                rate(1, std::chrono::seconds(3), writeOne));
    std::printf("store_writes_per_second_32_writers %.0f\n",
                rate(32, std::chrono::seconds(3), writeOne));

    std::vector<long> keys(100'000);
    for (auto& key : keys) {
        key = static_cast<long>(random() % static_cast<std::uint64_t>(count));
    }
    auto getOne = [&](int, long i) {
        long k = keys[static_cast<std::size_t>(i) % keys.size()];
        if (!store.get(keyAt(k, seed)).isOk()) {
            std::exit(1);
        }
    };
    std::printf("store_gets_per_second_1_thread %.0f\n", rate(1, std::chrono::seconds(3), getOne));

    auto pageTimes = [&](ListOptions options) {
        std::vector<double> samples;
        for (int i = 0; i < 200; ++i) {
            options.ns = options.labelSelector.empty() ? nsOf(i) : "";
            if (!options.labelSelector.empty()) {
                options.labelSelector = "k10.kasten.io/appName=" + nsOf(i);
            }
            auto started = Clock::now();
            auto page = store.list(options);
            samples.push_back(seconds(Clock::now() - started) * 1000);
            if (!page.isOk() || page->items.size() != 500) {
                std::fprintf(stderr, "list: %s %zu items\n", page.status().message().c_str(),
                             page.isOk() ? page->items.size() : 0);
                std::exit(1);
            }
        }
        return samples;
    };
    for (auto order : {ListOptions::Order::kByName, ListOptions::Order::kNewestFirst}) {
        const char* name = order == ListOptions::Order::kByName ? "by_name" : "newest_first";
        auto inNamespace = pageTimes({.resource = kResource, .limit = 500, .order = order});
        auto byLabel =
            pageTimes({.resource = kResource, .labelSelector = "x", .limit = 500, .order = order});
        std::printf("list_500_namespace_%s_ms_p50 %.2f\nlist_500_namespace_%s_ms_p99 %.2f\n", name,
                    percentile(inNamespace, 0.5), name, percentile(inNamespace, 0.99));
        std::printf("list_500_label_%s_ms_p50 %.2f\nlist_500_label_%s_ms_p99 %.2f\n", name,
                    percentile(byLabel, 0.5), name, percentile(byLabel, 0.99));
    }
    return 0;
}

int startup(const std::string& dir) {
    auto started = Clock::now();
    auto path = catalogPath(dir);
    SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
    SqliteObjectStore store({.path = path});
    auto opened = seconds(Clock::now() - started);
    if (!store.get({kResource, nsOf(0), nameOf(0)}).isOk()) {
        return 1;
    }
    std::printf("startup_seconds %.3f\nstartup_rss_mib %.1f\n", opened,
                static_cast<double>(rssKiB()) / 1024);
    return 0;
}

// The peer: one table keyed by name, the same JSON, WAL and synchronous=FULL.
int raw(const std::string& dir, long count) {
    std::string path = dir + "/raw.db";
    std::remove(path.c_str());
    SqliteConnection db(path, SqliteConnection::Mode::kReadWriteCreate);
    db.queryText("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL; CREATE TABLE kv(key TEXT PRIMARY KEY, json TEXT NOT NULL)");
    auto insert = [&](long i) {
        db.statement("INSERT INTO kv(key, json) VALUES(?1, ?2)")
            .bind(1, nsOf(i) + "/" + nameOf(i))
            .bind(2, objectJson(i, nameOf(i)))
            .step();
    };
    std::printf("raw_batch_inserts_per_second %.0f\n", oneTransactionRate(db, count, insert));
    long next = count;
    std::printf("raw_writes_per_second_one_transaction_each %.0f\n",
                rate(1, std::chrono::seconds(3), [&](int, long) { insert(next++); }));
    std::mt19937_64 random(42);
    std::vector<long> keys(100'000);
    for (auto& key : keys) {
        key = static_cast<long>(random() % static_cast<std::uint64_t>(count));
    }
    std::printf("raw_gets_per_second_1_thread %.0f\n",
                rate(1, std::chrono::seconds(3), [&](int, long i) {
                    long k = keys[static_cast<std::size_t>(i) % keys.size()];
                    auto& get = db.statement("SELECT json FROM kv WHERE key = ?1");
                    get.bind(1, nsOf(k) + "/" + nameOf(k));
                    if (!get.step()) {
                        std::exit(1);
                    }
                    std::string json(get.text(0));
                    get.reset();
                }));
    // What a write path that only appends before it answers could reach:
    // the same JSON in row id order, 32 rows (as from 32 writers) per
    // transaction.
    db.exec("CREATE TABLE log(id INTEGER PRIMARY KEY, json TEXT NOT NULL)");
    std::printf("raw_append_writes_per_second_32_per_transaction %.0f\n", groupRate(db, [&] {
                    db.statement("INSERT INTO log(json) VALUES(?1)")
                        .bind(1, objectJson(next, nameOf(next)))
                        .step();
                    ++next;
                }));
    return 0;
}

// The ceiling for any writer of the catalog's schema: the rows a create
// writes (the object, its four labels, its change-log row, its action
// count), with plain SQL on one connection in the catalog's own tables and
// indexes, WAL and synchronous=FULL. One big transaction, then one per
// object. Group commit can approach the first, never pass it.
int rawSchema(const std::string& dir, long count) {
    std::string path = dir + "/raw-schema.db";
    std::remove(path.c_str());
    std::remove((path + "-wal").c_str());
    SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
    SqliteConnection db(path, SqliteConnection::Mode::kReadWrite);
    // The store's settings, so that only the batching differs.
    db.exec(
        "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = "
        "10000");
    db.exec("INSERT INTO resources(id, name) VALUES(1, '" + kResource + "')");
    auto insert = [&](long i) {
        auto ns = nsOf(i);
        auto name = nameOf(i);
        db.statement(
              "INSERT INTO objects(id, resource_id, namespace, name, uid, created_at, revision, "
              "state, json) VALUES(?1, 1, ?2, ?3, ?4, 1764000000, ?1, 'Complete', ?5)")
            .bind(1, static_cast<std::int64_t>(i + 1))
            .bind(2, ns)
            .bind(3, name)
            .bind(4, "00000000-0000-4000-8000-" + std::to_string(100000000000 + i))
            .bind(5, objectJson(i, name))
            .step();
        const std::pair<std::string, std::string> labels[] = {
            {"k10.kasten.io/appName", ns},
            {"k10.kasten.io/appNamespace", ns},
            {"k10.kasten.io/policyName", "policy-" + std::to_string(i % 7)},
            {"k10.kasten.io/runActionName", "run-" + std::to_string(i / 50)}};
        for (const auto& [key, value] : labels) {
            db.statement(
                  "INSERT INTO labels(resource_id, key, value, namespace, name, object_id) "
                  "VALUES(1, ?1, ?2, ?3, ?4, ?5)")
                .bind(1, key)
                .bind(2, value)
                .bind(3, ns)
                .bind(4, name)
                .bind(5, static_cast<std::int64_t>(i + 1))
                .step();
        }
        db.statement(
              "INSERT INTO changes(revision, type, resource_id, namespace, name, json) "
              "VALUES(?1, 1, 1, ?2, ?3, '')")
            .bind(1, static_cast<std::int64_t>(i + 1))
            .bind(2, ns)
            .bind(3, name)
            .step();
        db.statement(
              "INSERT INTO action_counts(type, status, namespace, policy, liveness, count) "
              "VALUES('backup', 'complete', ?1, ?2, 'live', 1) "
              "ON CONFLICT DO UPDATE SET count = count + 1")
            .bind(1, ns)
            .bind(2, labels[2].second)
            .step();
    };
    std::printf("raw_schema_batch_inserts_per_second %.0f\n",
                oneTransactionRate(db, count, insert));
    long next = count;
    std::printf("raw_schema_writes_per_second_one_transaction_each %.0f\n",
                rate(1, std::chrono::seconds(3), [&](int, long) {
                    db.exec("BEGIN");
                    insert(next++);
                    db.exec("COMMIT");
                }));
    // What a perfect group commit of 32 writers could do: 32 objects (32
    // namespaces, as from 32 writers) per transaction.
    std::printf("raw_schema_writes_per_second_32_per_transaction %.0f\n",
                groupRate(db, [&] { insert(next++); }));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string command = argc > 1 ? argv[1] : "";
    if (argc == 4 && command == "load") {
        return load(argv[2], std::stol(argv[3]));
    }
    if (argc >= 4 && argc <= 6 && command == "measure") {
        // SEED: how many objects `load` made before `grow` (default N).
        // `normal` measures with synchronous = NORMAL: how much of a write
        // the fsync is.
        long count = std::stol(argv[3]);
        long seed = argc >= 5 ? std::stol(argv[4]) : count;
        return measure(argv[2], count, seed, argc < 6 || std::string(argv[5]) != "normal");
    }
    if (argc == 5 && command == "grow") {
        return grow(argv[2], std::stol(argv[3]), std::stol(argv[4]));
    }
    if (argc == 3 && command == "startup") {
        return startup(argv[2]);
    }
    if (argc == 4 && command == "raw") {
        return raw(argv[2], std::stol(argv[3]));
    }
    if (argc == 4 && command == "raw-schema") {
        return rawSchema(argv[2], std::stol(argv[3]));
    }
    std::fprintf(stderr,
                 "usage: catalog_bench load|measure|raw|raw-schema DIR N, catalog_bench grow DIR "
                 "SEED N, or catalog_bench startup DIR\n");
    return 64;
}
