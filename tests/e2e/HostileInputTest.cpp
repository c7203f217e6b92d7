// Hostile input against the real kiod with the catalog and the aggregated
// API over HTTPS: oversized requests, slowloris connections, 10,000
// requests with random paths, headers and bodies from a seeded generator,
// and malformed TLS handshakes, all at once. Throughout, a well-behaved
// client's requests must keep succeeding, and at the end nothing may have
// been written to the catalog.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "RawConnection.h"

#include <Poco/Net/NetException.h>
#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

using namespace kiod::test;

namespace {

using Clock = std::chrono::steady_clock;

const std::string kGroup = "/apis/actions.kio.kasten.io/v1alpha1";
const std::string kGoodCollection = kGroup + "/namespaces/good/backupactions";

// Requests a seeded generator makes up: mostly well-formed HTTP aimed at the
// real handlers, with random paths, queries, headers and bodies that are
// never a valid write (every object lacks spec.subject.name, every name is
// one the catalog does not have), and now and then bytes that are not HTTP.
class RequestGenerator {
public:
    explicit RequestGenerator(unsigned seed) : random_(seed) {}

    struct Request {
        std::string bytes;
        bool head = false;
    };

    Request next() {
        if (chance(4)) {
            return {garbage(), false};
        }
        static const std::vector<std::string> kMethods = {
            "GET", "GET", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
        auto method = pick(kMethods);
        std::string body = chance(50) && method == "GET" ? "" : this->body();
        std::string request = method + " " + target(method) + " HTTP/1.1\r\nHost: kiod\r\n";
        static const std::vector<std::string> kTypes = {"application/json",
                                                        "application/merge-patch+json",
                                                        "application/json-patch+json",
                                                        "application/strategic-merge-patch+json",
                                                        "application/apply-patch+yaml",
                                                        "application/yaml",
                                                        "text/plain",
                                                        "application/json; charset=utf-7",
                                                        "*/*"};
        static const std::vector<std::string> kAccepts = {
            "application/json",
            "application/json;as=Table;v=v1;g=meta.k8s.io",
            "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
            "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
            "application/vnd.kubernetes.protobuf",
            "*/*",
            "text/html",
            ";;;"};
        if (chance(80)) {
            request += "Content-Type: " + pick(kTypes) + "\r\n";
        }
        if (chance(50)) {
            request += "Accept: " + pick(kAccepts) + "\r\n";
        }
        for (int i = number(0, 6); i > 0; --i) {
            request += "X-" + word(1, 20) + ": " + text(0, 200) + "\r\n";
        }
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        return {request, method == "HEAD"};
    }

private:
    bool chance(int percent) { return number(0, 99) < percent; }
    int number(int low, int high) { return std::uniform_int_distribution(low, high)(random_); }
    template <class T>
    const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(number(0, static_cast<int>(items.size()) - 1))];
    }
    std::string word(int low, int high) {
        static const std::string kLetters = "abcdefghijklmnopqrstuvwxyz0123456789-.";
        std::string out;
        for (int i = number(low, high); i > 0; --i) {
            out += kLetters[static_cast<std::size_t>(number(0, 37))];
        }
        return out;
    }
    // Printable bytes and the odd escape, as a header value or query may hold.
    std::string text(int low, int high) {
        std::string out;
        for (int i = number(low, high); i > 0; --i) {
            out += chance(5) ? "%" + std::to_string(number(0, 99))
                             : std::string(1, static_cast<char>(number(0x21, 0x7e)));
        }
        return out;
    }
    std::string bytes(int low, int high) {
        std::string out;
        for (int i = number(low, high); i > 0; --i) {
            out += static_cast<char>(number(0, 255));
        }
        return out;
    }
    std::string segment() {
        static const std::vector<std::string> kOdd = {"..", ".", "%2e%2e", "%00",     "%2F",
                                                      "~",  "",  "status", "details", "scale"};
        return chance(20) ? pick(kOdd) : word(1, 30);
    }

    std::string target(const std::string& method) {
        auto ns = segment();
        auto name = "x-" + segment();  // never an object's name here
        std::vector<std::string> paths = {
            "/apis",
            kGroup,
            "/apis/apps.kio.kasten.io/v1alpha1/namespaces/" + ns + "/restorepoints",
            "/apis/apps.kio.kasten.io/v1alpha1/restorepointcontents/" + name,
            "/apis/vault.kio.kasten.io/v1alpha1/passkeys/" + name,
            kGroup + "/namespaces/" + ns + "/backupactions",
            kGroup + "/namespaces/" + ns + "/backupactions/" + name,
            kGroup + "/namespaces/" + ns + "/backupactions/" + name + "/status",
            kGroup + "/namespaces/" + ns + "/restoreactions/" + name + "/details",
            kGroup + "/namespaces/" + ns + "/cancelactions",
            kGroup + "/" + segment() + "/" + segment(),
            "/openapi/v2",
            "/openapi/v3/apis/actions.kio.kasten.io/v1alpha1",
            "/version",
            "/api",
            "/readyz/" + segment(),
            "/" + segment() + "/" + segment(),
        };
        // Every kind in every namespace: only to read (a DELETE there would
        // be a legitimate deletecollection).
        if (method == "GET") {
            paths.push_back(kGroup + "/backupactions");
        }
        auto path = pick(paths);
        if (chance(30)) {
            path += "/" + segment();
        }
        std::string query;
        for (int i = number(0, 4); i > 0; --i) {
            static const std::vector<std::string> kKeys = {
                "labelSelector", "fieldSelector",    "limit",
                "continue",      "resourceVersion",  "dryRun",
                "fieldManager",  "fieldValidation",  "timeoutSeconds",
                "pretty",        "propagationPolicy"};
            static const std::vector<std::string> kValues = {
                "a in (b,c),!d",       "a notin ()",    "=",      "!!", "x==y,z!=",
                "metadata.name=a",     "status.state=", "-1",     "0",  "99999999999999999999",
                "eyJ2IjoxLCJydiI6MX0", "All",           "Strict", "(",  "a,b in (c"};
            query += (query.empty() ? "?" : "&") + pick(kKeys) + "=" +
                     (chance(50) ? pick(kValues) : text(0, 40));
        }
        return path + query;
    }

    std::string body() {
        static const std::string kObject =
            R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction","metadata":{"name":"x-y","labels":{"a":"b"}},"spec":{"subject":{"namespace":"ns"}}})";
        switch (number(0, 7)) {
            case 0:
                return "";
            case 1:
                return bytes(1, 2000);
            case 2:
                return kObject.substr(
                    0, static_cast<std::size_t>(number(0, static_cast<int>(kObject.size()) - 1)));
            case 3:
                return kObject;  // lacks spec.subject.name: 422, never stored
            case 4:
                return std::string(static_cast<std::size_t>(number(1, 5000)), '[');
            case 5:
                return R"([{"op":")" + word(1, 8) + R"(","path":"/)" + text(0, 30) +
                       R"(","value":)" + text(0, 30) + "}]";
            case 6:
                return R"({"metadata":{"labels":)" + text(0, 50) + "}}";
            default:
                return R"({"kind":)" + std::to_string(number(-5, 5)) +
                       R"(,"metadata":{"name":1e999,"resourceVersion":[]},"spec":null})";
        }
    }

    // Not HTTP: random bytes, a bad request line, a lying header.
    std::string garbage() {
        switch (number(0, 3)) {
            case 0:
                return bytes(1, 300) + "\r\n\r\n";
            case 1:
                return "GET " + text(1, 50) + " HTTP/9.9\r\n\r\n";
            case 2:
                return "POST /apis HTTP/1.1\r\nContent-Length: -" + std::to_string(number(1, 9)) +
                       "\r\n\r\n";
            default:
                return "GET /livez HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        }
    }

    std::mt19937 random_;
};

// The catalog's revision as a list reports it.
std::string listRevision(const std::string& url, const std::string& caFile) {
    auto list = request(url, "GET", kGroup + "/backupactions?limit=1", caFile);
    BOOST_REQUIRE_EQUAL(list.status, 200);
    std::smatch match;
    BOOST_REQUIRE(
        std::regex_search(list.body, match, std::regex(R"re("resourceVersion":"(\d+)")re")));
    return match[1];
}

std::int64_t countRows(const std::string& file, const std::string& table) {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    std::string sql = "SELECT count(*) FROM " + table;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
    std::int64_t rows = -1;
    if (sqlite3_step(statement) == SQLITE_ROW) {
        rows = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return rows;
}

// Collects what the attackers saw, from their threads.
struct Tally {
    std::mutex mutex;
    std::map<int, int> statuses;  // 0: the connection closed before an answer
    std::vector<std::string> failures;

    void count(int status) {
        std::lock_guard lock(mutex);
        ++statuses[status];
    }
    void fail(const std::string& what) {
        std::lock_guard lock(mutex);
        failures.push_back(what);
    }
};

// Runs `attack` on a thread; failures (an exception, such as a read that
// waited 10 s for kiod) go to the tally.
std::thread attacker(Tally& tally, const std::string& name, std::function<void()> attack) {
    return std::thread([&tally, name, attack = std::move(attack)] {
        try {
            attack();
        } catch (const Poco::Exception& e) {
            tally.fail(name + ": " + e.displayText());
        } catch (const std::exception& e) {
            tally.fail(name + ": " + e.what());
        }
    });
}

void flood(Tally& tally, const std::string& url, unsigned seed, int requests) {
    RequestGenerator generator(seed);
    std::unique_ptr<RawConnection> connection;
    for (int i = 0; i < requests; ++i) {
        auto next = generator.next();
        if (!connection || connection->closed()) {
            connection = std::make_unique<RawConnection>(url);
        }
        try {
            connection->send(next.bytes);
        } catch (const Poco::Net::NetException&) {
            connection.reset();  // kiod closed it as the request went out
            tally.count(0);
            continue;
        }
        int status = connection->readResponse(next.head);
        tally.count(status);
        if (status == 500) {
            tally.fail("request " + std::to_string(i) + " of seed " + std::to_string(seed) +
                       " got " + std::to_string(status) + ": " + next.bytes.substr(0, 300));
        }
    }
}

void oversized(Tally& tally, const std::string& url) {
    struct Case {
        std::string request;
        int status;
    };
    std::string collection = kGroup + "/namespaces/big/backupactions";
    std::vector<Case> cases = {
        {"POST " + collection + " HTTP/1.1\r\nContent-Length: 104857600\r\n\r\n", 413},
        {"POST " + collection + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(8 * 1024 * 1024) + "\r\n\r\n" + std::string(8 * 1024 * 1024, '['),
         400},
        {"POST " + collection + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(4 * 1024 * 1024) + "\r\n\r\n{\"a\":\"" +
             std::string(4 * 1024 * 1024 - 8, 'x') + "\"}",
         422},
        {"GET /" + std::string(100 * 1024, 'u') + " HTTP/1.1\r\n\r\n", 414},
        {"GET /livez HTTP/1.1\r\nX: " + std::string(100 * 1024, 'h') + "\r\n\r\n", 431},
    };
    for (int round = 0; round < 4; ++round) {
        for (const auto& c : cases) {
            RawConnection connection(url);
            try {
                connection.send(c.request);
            } catch (const Poco::IOException&) {
                // kiod answered and closed before taking all of it: a
                // reset (NetException) or, as the write meets the closed
                // socket, a broken pipe (IOException)
            }
            int status = connection.readResponse();
            tally.count(status);
            if (status != c.status) {
                tally.fail("oversized: " + c.request.substr(0, 60) + " got " +
                           std::to_string(status) + ", not " + std::to_string(c.status));
            }
        }
    }
}

// Connections that send a header byte every 50 ms; kiod must cut every one.
void slowloris(Tally& tally, const std::string& url, int connections) {
    std::vector<std::unique_ptr<RawConnection>> trickling;
    for (int i = 0; i < connections; ++i) {
        trickling.push_back(std::make_unique<RawConnection>(url));
        trickling.back()->send("POST " + kGoodCollection + " HTTP/1.1\r\nX-Slow: ");
    }
    int open = connections;
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (open > 0 && Clock::now() < deadline) {
        for (auto& connection : trickling) {
            try {
                if (connection) {
                    connection->send("a");
                }
            } catch (const Poco::Exception&) {
                connection.reset();
                --open;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the trickle's pace
    }
    if (open > 0) {
        tally.fail("slowloris: " + std::to_string(open) + " connections still open after 20 s");
    }
}

// Plain TCP to the TLS port: things that are not a TLS handshake, or half
// of one. kiod must close each (at the latest after read_timeout).
void badHandshakes(Tally& tally, const std::string& httpsUrl, unsigned seed) {
    std::string tcp = "http://" + httpsUrl.substr(std::string("https://").size());
    std::mt19937 random(seed);
    auto randomBytes = [&](std::size_t size) {
        std::string out;
        for (std::size_t i = 0; i < size; ++i) {
            out += static_cast<char>(random() & 0xff);
        }
        return out;
    };
    const std::string clientHelloStart("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    std::vector<std::string> openings = {
        "GET /livez HTTP/1.1\r\n\r\n",
        clientHelloStart,                                           // then nothing
        clientHelloStart + randomBytes(600),                        // a hello of random contents
        std::string("\x16\x03\x03\xff\xff", 5) + randomBytes(100),  // a record too long
        std::string("\x80\x2e\x01\x00\x02\x00\x15", 7) + randomBytes(40),  // SSLv2 hello
        std::string("\x15\x03\x03\x00\x02\x02\x28", 7),                    // an alert first
        "",  // connect and say nothing
    };
    // All at once, so that those kiod waits on time out together.
    std::vector<std::unique_ptr<RawConnection>> connections;
    for (int round = 0; round < 30; ++round) {
        for (const auto& opening : openings) {
            connections.push_back(std::make_unique<RawConnection>(tcp));
            if (!opening.empty()) {
                connections.back()->send(opening);
            }
        }
    }
    for (auto& connection : connections) {
        connection->readToEnd();  // throws after 10 s if kiod never closes it
        tally.count(0);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_input)

BOOST_AUTO_TEST_CASE(kiod_serves_others_and_writes_nothing_under_hostile_input) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "catalog, aggregatedapi"),
                     {"--set", "listener.api.tls.auto=true", "--set",
                      "listener.api.read_timeout=2s", "--set", "listener.api.threads=8"});
    auto url = kiod.url("api");
    auto ca = dir.file("var/tls/api.crt");
    auto catalog = dir.file("var/catalog/model-store.db");

    // The well-behaved client's object, written before the attack.
    auto created =
        request(url, "POST", kGoodCollection,
                R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction",)"
                R"("metadata":{"name":"good-one"},"spec":{"subject":{"name":"db"}}})",
                "application/json");
    BOOST_REQUIRE_EQUAL(created.status, 201);
    auto revision = listRevision(url, ca);
    auto changes = countRows(catalog, "changes");

    auto start = Clock::now();
    Tally tally;
    std::vector<std::thread> attackers;
    constexpr int kRequests = 10'000;
    constexpr int kFloods = 4;
    for (unsigned i = 0; i < kFloods; ++i) {
        attackers.push_back(attacker(tally, "flood", [&tally, url, i] {
            flood(tally, url, 20261125 + i, kRequests / kFloods);
        }));
    }
    attackers.push_back(attacker(tally, "oversized", [&tally, url] { oversized(tally, url); }));
    attackers.push_back(
        attacker(tally, "slowloris", [&tally, url] { slowloris(tally, url, 200); }));
    attackers.push_back(
        attacker(tally, "tls", [&tally, url] { badHandshakes(tally, url, 20261125); }));

    // Meanwhile a well-behaved client reads, each request on a fresh
    // connection with a verified handshake.
    std::atomic<bool> attacking{true};
    std::thread watcher([&] {
        for (auto& thread : attackers) {
            thread.join();
        }
        attacking = false;
    });
    int served = 0;
    std::vector<std::string> refused;
    auto slowest = Clock::duration::zero();
    while (attacking) {
        auto began = Clock::now();
        auto one = request(url, "GET", kGoodCollection + "/good-one", ca);
        auto list = request(url, "GET", kGoodCollection, ca);
        slowest = std::max(slowest, Clock::now() - began);
        if (one.status == 200 && list.status == 200) {
            ++served;
        } else {
            refused.push_back(std::to_string(one.status) + "/" + std::to_string(list.status));
        }
        // A client's pace, not a wait for anything: each pair costs two
        // verified handshakes, which are not what this test measures.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    watcher.join();
    auto elapsed = Clock::now() - start;

    std::string statuses;
    for (const auto& [status, count] : tally.statuses) {
        statuses += " " + std::to_string(status) + ":" + std::to_string(count);
    }
    auto ms = [](Clock::duration d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    BOOST_TEST_MESSAGE("hostile input: " << ms(elapsed) << " ms; answers" << statuses
                                         << "; well-behaved client: " << served
                                         << " pairs served, slowest " << ms(slowest) << " ms");
    for (const auto& failure : tally.failures) {
        BOOST_ERROR(failure);
    }
    BOOST_TEST(refused.empty(), refused.size() << " well-behaved requests refused, first "
                                               << (refused.empty() ? "" : refused.front()));
    BOOST_TEST(served > 0);
    int answered = 0;
    for (const auto& [status, count] : tally.statuses) {
        answered += status >= 400 && status < 500 ? count : 0;
    }
    BOOST_TEST(answered >= kRequests / 2);

    BOOST_TEST(listRevision(url, ca) == revision);
    BOOST_TEST(countRows(catalog, "changes") == changes);
    BOOST_TEST(countRows(catalog, "objects") == 1);
    BOOST_TEST(kiod.waitExit(std::chrono::milliseconds(0)) == -1);  // still running
}

BOOST_AUTO_TEST_SUITE_END()
