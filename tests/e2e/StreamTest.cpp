// Detached response streams (RouteRequest::detach) on the wire, through the
// streamtest module: its own thread writes, closes and floods the streams.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "RawConnection.h"

#include <boost/test/unit_test.hpp>

#include <csignal>

using namespace kiod::test;
using std::chrono::seconds;

namespace {

// A chunked body as far as it has arrived.
struct ChunkedBody {
    std::string text;
    bool complete = false;  // the terminating chunk arrived
    std::size_t end = 0;    // where the body ends on the wire, once complete
};

ChunkedBody dechunk(const std::string& wire, std::size_t at) {
    ChunkedBody body;
    while (true) {
        auto line = wire.find("\r\n", at);
        if (line == std::string::npos) {
            return body;
        }
        auto size = std::stoul(wire.substr(at, line - at), nullptr, 16);
        if (wire.size() < line + 2 + size + 2) {
            return body;
        }
        if (size == 0) {
            body.complete = true;
            body.end = line + 4;
            return body;
        }
        body.text.append(wire, line + 2, size);
        at = line + 2 + size + 2;
    }
}

// GET /stream/watch on a connection of its own, detached: the head has
// arrived, and the stream's id (its first line).
class Watch {
public:
    explicit Watch(const std::string& url) : connection_(url) {
        connection_.send("GET /stream/watch HTTP/1.1\r\nHost: kiod\r\n\r\n");
        auto wire = connection_.readUntil("\r\n\r\n");
        headEnd_ = wire.find("\r\n\r\n") + 4;
        head_ = wire.substr(0, headEnd_);
        BOOST_REQUIRE_MESSAGE(head_.rfind("HTTP/1.1 200 OK\r\n", 0) == 0, head_);
        id_ = bodyUntil("\n").substr(3, std::string::npos);
        id_.pop_back();
    }

    const std::string& head() const { return head_; }
    const std::string& id() const { return id_; }
    RawConnection& connection() { return connection_; }

    // Reads until the body holds `text`, or ends; the body so far.
    std::string bodyUntil(const std::string& text) {
        while (true) {
            auto body = dechunk(connection_.received(), headEnd_);
            if (body.text.find(text) != std::string::npos || body.complete ||
                connection_.closed()) {
                return body.text;
            }
            connection_.readSome();
        }
    }

    // Reads until the terminating chunk, or until kiod closes the
    // connection without one.
    ChunkedBody readToLastChunk() {
        while (true) {
            auto body = dechunk(connection_.received(), headEnd_);
            if (body.complete || connection_.closed()) {
                return body;
            }
            connection_.readSome();
        }
    }

private:
    RawConnection connection_;
    std::string head_;
    std::size_t headEnd_ = 0;
    std::string id_;
};

std::string post(const std::string& url, const std::string& path) {
    return request(url, "POST", path).body;
}

std::string ended(const std::string& url, const std::string& wait = "") {
    return get(url, "/stream/ended" + wait).body;
}

std::string numbered(const std::string& data, int count) {
    std::string lines;
    for (int i = 0; i < count; ++i) {
        lines += data + "-" + std::to_string(i) + "\n";
    }
    return lines;
}

const std::string kWatchSeries =
    R"(kiod_http_requests_total{code="200",listener="api",method="GET",route="/stream/watch"})";

}  // namespace

BOOST_AUTO_TEST_SUITE(response_streams)

BOOST_AUTO_TEST_CASE(writes_from_another_thread_reach_the_client_in_order) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "metrics, streamtest"));
    auto api = kiod.url("api");
    Watch watch(api);
    BOOST_TEST(watch.head().find("Transfer-Encoding: chunked\r\n") != std::string::npos,
               watch.head());

    BOOST_TEST(post(api, "/stream/broadcast?data=e&count=1000") == "written=1 refused=0");
    BOOST_TEST(watch.bodyUntil("e-999\n") == "id=0\n" + numbered("e", 1000));
    // Counted once, when the handler detached the response.
    auto metrics = get(kiod.url("metrics"), "/metrics").body;
    BOOST_TEST(metrics.find("\n" + kWatchSeries + " 1\n") != std::string::npos, metrics);
}

BOOST_AUTO_TEST_CASE(five_hundred_streams_on_two_workers_all_get_an_event) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"), {"--set", "listener.api.threads=2"});
    auto api = kiod.url("api");
    // One after the other, each detached before the next is asked for: a
    // stream that held its worker would leave the third one waiting.
    std::vector<std::unique_ptr<Watch>> watches;
    for (int i = 0; i < 500; ++i) {
        watches.push_back(std::make_unique<Watch>(api));
    }

    BOOST_TEST(post(api, "/stream/broadcast?data=event") == "written=500 refused=0");
    int received = 0;
    for (auto& watch : watches) {
        received += watch->bodyUntil("event-0\n").ends_with("event-0\n") ? 1 : 0;
    }
    BOOST_TEST(received == 500);
}

BOOST_AUTO_TEST_CASE(a_client_that_leaves_ends_the_stream_once_and_writes_then_fail) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"));
    auto api = kiod.url("api");
    Watch watch(api);
    watch.connection().close();

    const std::string once = "disconnected=1 too_slow=0 shutdown=0 twice=0";
    BOOST_TEST(ended(api, "?disconnected=1") == once);
    BOOST_TEST(post(api, "/stream/broadcast") == "written=0 refused=1");
    BOOST_TEST(post(api, "/stream/close") == "closed=0");
    BOOST_TEST(ended(api) == once);
}

BOOST_AUTO_TEST_CASE(a_client_that_never_reads_is_cut_off_and_kiod_stays_healthy) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"), {"--set", "streamtest.max_unsent=65536"});
    auto api = kiod.url("api");
    Watch slow(api);
    Watch reader(api);

    BOOST_TEST(post(api, "/stream/flood?id=" + slow.id()) == "refused=1");
    BOOST_TEST(ended(api, "?too_slow=1") == "disconnected=0 too_slow=1 shutdown=0 twice=0");
    BOOST_TEST(post(api, "/stream/broadcast?data=after") == "written=1 refused=1");
    BOOST_TEST(reader.bodyUntil("after-0\n") == "id=1\nafter-0\n");
    BOOST_TEST(get(api, "/healthz").status == 200);
    // The slow client's body is cut off: no terminating chunk.
    auto wire = slow.connection().readToEnd();
    BOOST_TEST(!dechunk(wire, slow.head().size()).complete);
}

BOOST_AUTO_TEST_CASE(close_ends_the_body_and_the_connection_serves_the_next_request) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"));
    auto api = kiod.url("api");
    Watch watch(api);
    // Pipelined behind the stream: answered once the stream has ended.
    watch.connection().send("GET /livez HTTP/1.1\r\nHost: kiod\r\n\r\n");

    BOOST_TEST(post(api, "/stream/broadcast?data=last") == "written=1 refused=0");
    BOOST_TEST(post(api, "/stream/close") == "closed=1");
    auto body = watch.readToLastChunk();
    BOOST_TEST(body.complete);
    BOOST_TEST(body.text == "id=0\nlast-0\n");
    auto wire = watch.connection().readUntil("\r\n\r\nok");
    BOOST_TEST(wire.substr(body.end).rfind("HTTP/1.1 200 OK\r\n", 0) == 0, wire);

    watch.connection().send("GET /livez HTTP/1.1\r\nHost: kiod\r\nConnection: close\r\n\r\n");
    BOOST_TEST(count(watch.connection().readToEnd(), "\r\n\r\nok") == 2);
    BOOST_TEST(ended(api) == "disconnected=0 too_slow=0 shutdown=0 twice=0");
}

BOOST_AUTO_TEST_CASE(streams_that_asked_for_close_or_http_1_0_end_with_their_connection) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"));
    auto api = kiod.url("api");
    RawConnection closing(api);
    closing.send("GET /stream/watch HTTP/1.1\r\nHost: kiod\r\nConnection: close\r\n\r\n");
    closing.readUntil("id=0\n");
    RawConnection old(api);
    old.send("GET /stream/watch HTTP/1.0\r\n\r\n");
    old.readUntil("id=1\n");

    BOOST_TEST(post(api, "/stream/close") == "closed=2");
    auto chunked = closing.readToEnd();
    BOOST_TEST(chunked.ends_with("\r\n\r\n5\r\nid=0\n\r\n0\r\n\r\n"), chunked);
    auto unframed = old.readToEnd();
    BOOST_TEST(unframed.find("Transfer-Encoding") == std::string::npos, unframed);
    BOOST_TEST(unframed.ends_with("\r\n\r\nid=1\n"), unframed);
}

BOOST_AUTO_TEST_CASE(timeouts_do_not_cut_an_open_stream) {
    TempDir dir;
    // One event loop, so that the sweep that closes the idle connection
    // below looks at the stream too.
    KiodProcess kiod(
        dir, baseConfig(dir, "streamtest"),
        {"--set", "listener.api.io_threads=1", "--set", "listener.api.keep_alive_timeout=100ms",
         "--set", "listener.api.idle_timeout=100ms"});
    auto api = kiod.url("api");
    Watch watch(api);
    RawConnection idle(api);
    idle.send("GET /livez HTTP/1.1\r\nHost: kiod\r\n\r\n");
    // Returns once kiod closes the idle connection: by then the stream,
    // quiet for longer, has been past both timeouts too.
    BOOST_TEST(count(idle.readToEnd(), "HTTP/1.1 200 OK") == 1);

    BOOST_TEST(post(api, "/stream/broadcast?data=still") == "written=1 refused=0");
    BOOST_TEST(watch.bodyUntil("still-0\n") == "id=0\nstill-0\n");
}

BOOST_AUTO_TEST_CASE(sigterm_ends_open_streams_with_their_last_chunk_and_exits_0) {
    TempDir dir;
    // A grace period far longer than the test may take: kiod must not wait
    // it out for the streams.
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"), {"--set", "kiod.shutdown_grace=60s"});
    std::vector<std::unique_ptr<Watch>> watches;
    for (int i = 0; i < 3; ++i) {
        watches.push_back(std::make_unique<Watch>(kiod.url("api")));
    }

    kiod.signal(SIGTERM);
    for (auto& watch : watches) {
        auto body = watch->readToLastChunk();
        BOOST_TEST(body.complete);
        BOOST_TEST(body.text == "id=" + watch->id() + "\n");
        BOOST_TEST(watch->connection().readToEnd().size() == body.end);  // then closed
    }
    BOOST_TEST(kiod.waitExit(seconds(20)) == 0, kiod.stderrText());
    BOOST_TEST(kiod.stderrText().find("streams ended: disconnected=0 too_slow=0 shutdown=3 "
                                      "twice=0") != std::string::npos,
               kiod.stderrText());
}

BOOST_AUTO_TEST_CASE(over_tls_streams_are_written_closed_cut_off_and_ended_at_sigterm) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "streamtest"),
                     {"--set", "listener.api.tls.auto=true", "--set", "streamtest.max_unsent=65536",
                      "--set", "kiod.shutdown_grace=60s"});
    auto api = kiod.url("api");
    BOOST_REQUIRE(api.rfind("https://", 0) == 0);
    Watch closing(api);
    Watch slow(api);
    Watch open(api);

    BOOST_TEST(post(api, "/stream/broadcast?data=e&count=1000") == "written=3 refused=0");
    BOOST_TEST(closing.bodyUntil("e-999\n") == "id=0\n" + numbered("e", 1000));
    BOOST_TEST(open.bodyUntil("e-999\n") == "id=2\n" + numbered("e", 1000));

    BOOST_TEST(post(api, "/stream/flood?id=" + slow.id()) == "refused=1");
    BOOST_TEST(ended(api, "?too_slow=1") == "disconnected=0 too_slow=1 shutdown=0 twice=0");

    BOOST_TEST(post(api, "/stream/close?id=" + closing.id()) == "closed=1");
    auto body = closing.readToLastChunk();
    BOOST_TEST(body.complete);
    closing.connection().send("GET /livez HTTP/1.1\r\nHost: kiod\r\n\r\n");
    auto wire = closing.connection().readUntil("\r\n\r\nok");
    BOOST_TEST(wire.substr(body.end).rfind("HTTP/1.1 200 OK\r\n", 0) == 0, wire);

    kiod.signal(SIGTERM);
    BOOST_TEST(open.readToLastChunk().complete);
    BOOST_TEST(kiod.waitExit(seconds(20)) == 0, kiod.stderrText());
    BOOST_TEST(kiod.stderrText().find("streams ended: disconnected=0 too_slow=1 shutdown=1 "
                                      "twice=0") != std::string::npos,
               kiod.stderrText());
}

BOOST_AUTO_TEST_SUITE_END()
