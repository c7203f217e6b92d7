// A deferred answer's life before and after its event loop lets it go: what
// a completer may do late, and what the loop frees.
#include "Deferral.h"

#include <Poco/Net/HTTPServerResponse.h>
#include <boost/test/unit_test.hpp>

#include <memory>

namespace {

std::shared_ptr<kiod::Deferral> newDeferral() {
    return std::make_shared<kiod::Deferral>(kiod::Deferral::Request{"HTTP/1.1", true, false});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(deferral)

BOOST_AUTO_TEST_CASE(the_first_answer_counts_and_is_kept_until_the_loop_takes_it) {
    auto pending = newDeferral();
    auto first = std::make_shared<int>(1);
    std::weak_ptr<int> firstHeld = first;
    pending->complete([first = std::move(first)](Poco::Net::HTTPServerResponse&) {});
    pending->complete([](Poco::Net::HTTPServerResponse&) {});
    pending->abandon();  // answered already: nothing changes
    auto write = pending->take();
    BOOST_REQUIRE(write);
    BOOST_TEST(!firstHeld.expired());  // the first answer is the one kept
    BOOST_TEST(!pending->take());
}

BOOST_AUTO_TEST_CASE(release_tells_the_status_and_frees_an_answer_never_written) {
    auto pending = newDeferral();
    int status = -1;
    pending->whenAnswered([&](int answered) { status = answered; });
    // The answer holds what it needs, as a create holds its request.
    auto held = std::make_shared<int>(42);
    std::weak_ptr<int> watch = held;
    pending->complete([held = std::move(held)](Poco::Net::HTTPServerResponse&) {});
    BOOST_TEST(!watch.expired());
    pending->release(0);  // the client went away first
    BOOST_TEST(status == 0);
    BOOST_TEST(watch.expired());
    // A completer that comes after the release changes nothing.
    pending->complete([](Poco::Net::HTTPServerResponse&) {});
    BOOST_TEST(!pending->take());
}

BOOST_AUTO_TEST_SUITE_END()
