// bench/catalog: the catalog's store measured through its public interface,
// next to a minimal program doing the same on raw SQLite with the same
// durability, in one run on one machine. See bench/catalog/run.sh.
//
//   catalog_bench load DIR N          load N objects (1 KB JSON, 100 namespaces, real labels)
//   catalog_bench measure DIR N [normal]  writes, gets and list pages against the loaded catalog
//   catalog_bench startup DIR         open the catalog as kiod does; print seconds and RSS
//   catalog_bench raw DIR N           the raw SQLite peer
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

int measure(const std::string& dir, long count, bool synchronousFull) {
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
        if (!store.get({kResource, nsOf(k), nameOf(k)}).isOk()) {
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
    auto started = Clock::now();
    db.exec("BEGIN");
    for (long i = 0; i < count; ++i) {
        insert(i);
    }
    db.exec("COMMIT");
    std::printf("raw_batch_inserts_per_second %.0f\n",
                static_cast<double>(count) / seconds(Clock::now() - started));
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
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string command = argc > 1 ? argv[1] : "";
    if (argc == 4 && command == "load") {
        return load(argv[2], std::stol(argv[3]));
    }
    if ((argc == 4 || argc == 5) && command == "measure") {
        // A fifth argument `normal` measures with synchronous = NORMAL: how
        // much of a write the fsync is.
        return measure(argv[2], std::stol(argv[3]), argc == 4 || std::string(argv[4]) != "normal");
    }
    if (argc == 3 && command == "startup") {
        return startup(argv[2]);
    }
    if (argc == 4 && command == "raw") {
        return raw(argv[2], std::stol(argv[3]));
    }
    std::fprintf(stderr,
                 "usage: catalog_bench load|measure|raw DIR N, or catalog_bench startup DIR\n");
    return 64;
}
