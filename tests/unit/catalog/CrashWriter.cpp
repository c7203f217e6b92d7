// The child of the crash test: writes to the catalog at PATH from several
// threads as fast as it can and prints "NAME REVISION" for every write the
// store acknowledged, until it is killed.
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
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t) {
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
                // One write(2) per line: whole lines reach the parent even
                // when the process dies right after.
                auto line = name + " " + std::to_string(created->revision) + "\n";
                if (write(STDOUT_FILENO, line.data(), line.size()) < 0) {
                    _exit(1);
                }
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
}
