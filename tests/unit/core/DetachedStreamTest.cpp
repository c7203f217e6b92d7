// The state a ResponseStream's writers share with its event loop, without
// the loop: what the loop takes, and when onEnd is owed.
#include "DetachedStream.h"
#include "ServerExchange.h"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <sys/socket.h>
#include <thread>
#include <vector>

using kiod::DetachedStream;
using kiod::StreamEnd;
using State = DetachedStream::State;

namespace {

// A stream whose onEnd calls land in `ends`.
std::shared_ptr<DetachedStream> makeStream(std::vector<StreamEnd>& ends,
                                           std::size_t maxUnsent = 1024, bool chunked = true) {
    kiod::StreamOptions options;
    options.maxUnsent = maxUnsent;
    options.onEnd = [&ends](StreamEnd reason) { ends.push_back(reason); };
    return std::make_shared<DetachedStream>(chunked, std::move(options));
}

void run(const std::function<void()>& callback) {
    if (callback) {
        callback();
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(detached_stream)

BOOST_AUTO_TEST_CASE(writes_wait_as_chunks_and_are_taken_together) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends);
    BOOST_TEST(stream->write("a"));
    BOOST_TEST(stream->write(""));  // an empty chunk would end the body
    BOOST_TEST(stream->write("bc"));
    auto taken = stream->take();
    BOOST_TEST(taken.bytes == "1\r\na\r\n2\r\nbc\r\n");
    BOOST_TEST((taken.state == State::kOpen));
    BOOST_TEST(stream->take().bytes.empty());
}

BOOST_AUTO_TEST_CASE(http_1_0_bodies_are_not_framed) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends, 1024, false);
    stream->write("abc");
    stream->close();
    auto taken = stream->take();
    BOOST_TEST(taken.bytes == "abc");
    BOOST_TEST((taken.state == State::kFinished));
}

BOOST_AUTO_TEST_CASE(close_queues_the_last_chunk_and_on_end_is_never_called) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends);
    stream->write("x");
    stream->close();
    BOOST_TEST(!stream->isOpen());
    BOOST_TEST(!stream->write("y"));
    auto taken = stream->take();
    BOOST_TEST(taken.bytes == "1\r\nx\r\n0\r\n\r\n");
    BOOST_TEST((taken.state == State::kFinished));
    run(stream->release(StreamEnd::kDisconnected));
    BOOST_TEST(ends.empty());
}

BOOST_AUTO_TEST_CASE(a_stream_let_go_while_open_reports_its_end_once) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends);
    run(stream->release(StreamEnd::kDisconnected));
    run(stream->release(StreamEnd::kShutdown));
    stream->close();
    BOOST_TEST(!stream->write("late"));
    BOOST_TEST((ends == std::vector<StreamEnd>{StreamEnd::kDisconnected}));
}

BOOST_AUTO_TEST_CASE(a_shutdown_ends_the_body_and_reports_it) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends);
    run(stream->finish(StreamEnd::kShutdown));
    BOOST_TEST(stream->take().bytes == "0\r\n\r\n");
    run(stream->release(StreamEnd::kDisconnected));
    BOOST_TEST((ends == std::vector<StreamEnd>{StreamEnd::kShutdown}));
}

BOOST_AUTO_TEST_CASE(writes_past_max_unsent_are_refused_and_end_the_stream_too_slow) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends, 10);
    BOOST_TEST(stream->write("12345"));
    stream->take();
    stream->setUnsent(0);  // the client took it all: room for 10 again
    BOOST_TEST(stream->write("12345"));
    stream->take();
    stream->setUnsent(6);  // the client took none of it, and then some
    BOOST_TEST(!stream->write("12345"));
    BOOST_TEST(!stream->isOpen());
    BOOST_TEST(!stream->write("1"));
    BOOST_TEST((stream->take().state == State::kDropped));
    run(stream->release(StreamEnd::kDisconnected));
    BOOST_TEST((ends == std::vector<StreamEnd>{StreamEnd::kTooSlow}));
}

BOOST_AUTO_TEST_CASE(detach_sends_the_head_chunked_and_dropping_every_handle_closes_it) {
    int fds[2];
    BOOST_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    kiod::Connection connection(fds[0], kiod::Transport::plain(fds[0]), {}, {}, {});
    {
        kiod::ServerResponse response(connection, kiod::Sending::kAfterwards, false);
        auto handle = response.detach({});
        BOOST_TEST(handle->write("event"));
    }
    BOOST_TEST(connection.output.find("Transfer-Encoding: chunked\r\n") != std::string::npos,
               connection.output);
    BOOST_REQUIRE(connection.stream);
    auto taken = connection.stream->take();
    BOOST_TEST(taken.bytes == "5\r\nevent\r\n0\r\n\r\n");
    BOOST_TEST((taken.state == State::kFinished));
    close(fds[1]);
}

// A producer with more to send than the bound waits for the client to
// take what it has, instead of being refused.
BOOST_AUTO_TEST_CASE(wait_for_room_returns_once_the_loop_has_sent_enough) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends, 100);
    BOOST_REQUIRE(stream->write(std::string(60, 'x')));
    BOOST_TEST(!stream->waitForRoom(60, std::chrono::milliseconds(0)));
    BOOST_TEST(stream->waitForRoom(30, std::chrono::milliseconds(0)));
    std::thread loop([&] {
        stream->take();
        stream->setUnsent(0);  // the client took it all
    });
    BOOST_TEST(stream->waitForRoom(60, std::chrono::seconds(10)));
    loop.join();
    BOOST_TEST(stream->write(std::string(60, 'y')));
}

BOOST_AUTO_TEST_CASE(wait_for_room_gives_up_when_the_stream_ends) {
    std::vector<StreamEnd> ends;
    auto stream = makeStream(ends, 100);
    BOOST_REQUIRE(stream->write(std::string(90, 'x')));
    std::thread loop([&] { run(stream->release(StreamEnd::kDisconnected)); });
    BOOST_TEST(!stream->waitForRoom(50, std::chrono::seconds(10)));
    loop.join();
    BOOST_TEST((ends == std::vector<StreamEnd>{StreamEnd::kDisconnected}));
}

BOOST_AUTO_TEST_SUITE_END()
