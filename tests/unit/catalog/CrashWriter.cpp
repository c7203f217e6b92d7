// The child of the crash test: writes to the catalog at PATH from several
// threads as fast as it can and prints "NAME REVISION" for every write the
// store acknowledged, until it is killed. One thread writes pairs of
// objects, NAME-a and NAME-b, together (ObjectStore::apply): a pair is in
// the catalog whole or not at all.
#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace kiod::catalog;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: catalog_crash_writer PATH RUN\n");
        return 64;
    }
    std::string path = argv[1];
    std::string run = argv[2];
    SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
    SqliteObjectStore store({.path = path});
    auto acknowledge = [](const std::string& name, Revision revision) {
        // One write(2) per line: whole lines reach the parent even when the
        // process dies right after.
        auto line = name + " " + std::to_string(revision) + "\n";
        if (write(STDOUT_FILENO, line.data(), line.size()) < 0) {
            _exit(1);
        }
    };
    std::vector<std::thread> writers;
    writers.emplace_back([&] {
        for (long i = 0;; ++i) {
            auto name = "r" + run + "-pair-" + std::to_string(i);
            std::vector<Mutation> pair;
            for (const auto* side : {"-a", "-b"}) {
                pair.push_back(Mutation::create({"crashtests.test.kiod", "crash", name + side},
                                                R"({"metadata":{"name":")" + name + side + "\"}}"));
            }
            auto applied = store.apply(pair);
            if (!applied.isOk()) {
                std::fprintf(stderr, "write failed: %s\n", applied.status().message().c_str());
                _exit(1);
            }
            for (const auto& object : applied.value()) {
                acknowledge(object.key.name, object.revision);
            }
        }
    });
    for (int t = 0; t < 7; ++t) {
        writers.emplace_back([&, t] {
            for (long i = 0;; ++i) {
                auto name = "r" + run + "-t" + std::to_string(t) + "-" + std::to_string(i);
                auto json =
                    R"({"metadata":{"name":")" + name + R"(","labels":{"run":")" + run + R"("}}})";
                auto created = store.create({"crashtests.test.kiod", "crash", name}, json);
                if (!created.isOk()) {
                    std::fprintf(stderr, "write failed: %s\n", created.status().message().c_str());
                    _exit(1);
                }
                acknowledge(name, created->revision);
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
}
