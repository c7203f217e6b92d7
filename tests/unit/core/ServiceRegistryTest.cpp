#include <kiod/Errors.h>
#include <kiod/ServiceRegistry.h>

#include <boost/test/unit_test.hpp>

#include <thread>
#include <vector>

namespace {

class Greeter {
public:
    static constexpr const char* kServiceName = "test.Greeter";
    virtual ~Greeter() = default;
    virtual std::string greet() const = 0;
};

class EnglishGreeter : public Greeter {
public:
    std::string greet() const override { return "hello"; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(service_registry)

BOOST_AUTO_TEST_CASE(published_service_is_found_by_its_interface) {
    kiod::ServiceRegistry registry;
    kiod::Services owner(registry, "english");
    kiod::Services consumer(registry, "other");
    owner.publish<Greeter>(std::make_shared<EnglishGreeter>());

    auto greeter = consumer.find<Greeter>();
    BOOST_REQUIRE(greeter);
    BOOST_TEST(greeter->greet() == "hello");
    BOOST_TEST(registry.names() == std::vector<std::string>{"test.Greeter"});
}

BOOST_AUTO_TEST_CASE(absent_service_is_null_and_require_names_it) {
    kiod::ServiceRegistry registry;
    kiod::Services consumer(registry, "aggregatedapi");
    BOOST_TEST(!consumer.find<Greeter>());
    BOOST_CHECK_EXCEPTION(consumer.require<Greeter>(), kiod::StartupError, [](const auto& e) {
        return std::string(e.what()).find("test.Greeter") != std::string::npos &&
               std::string(e.what()).find("aggregatedapi") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(publishing_a_name_twice_is_refused) {
    kiod::ServiceRegistry registry;
    kiod::Services first(registry, "first");
    kiod::Services second(registry, "second");
    first.publish<Greeter>(std::make_shared<EnglishGreeter>());
    BOOST_CHECK_THROW(second.publish<Greeter>(std::make_shared<EnglishGreeter>()),
                      std::logic_error);
}

BOOST_AUTO_TEST_CASE(withdraw_removes_only_the_owners_services) {
    kiod::ServiceRegistry registry;
    registry.publish("catalog", "catalog.ObjectStore", std::make_shared<int>(1));
    registry.publish("metrics", "metrics.Registry", std::make_shared<int>(2));
    registry.withdraw("catalog");
    BOOST_TEST(!registry.find("catalog.ObjectStore"));
    BOOST_TEST(registry.find("metrics.Registry"));
}

BOOST_AUTO_TEST_CASE(consumer_keeps_a_withdrawn_service_alive_until_it_lets_go) {
    kiod::ServiceRegistry registry;
    kiod::Services owner(registry, "english");
    owner.publish<Greeter>(std::make_shared<EnglishGreeter>());
    auto held = kiod::Services(registry, "consumer").find<Greeter>();
    registry.withdraw("english");
    BOOST_TEST(!registry.find(Greeter::kServiceName));
    BOOST_TEST(held->greet() == "hello");
}

BOOST_AUTO_TEST_CASE(concurrent_lookups_see_publish_and_withdraw_consistently) {
    kiod::ServiceRegistry registry;
    std::atomic<bool> done{false};
    std::atomic<int> found{0};
    // Counted here: Boost.Test checks only on the test's thread.
    std::atomic<int> wrong{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i) {
        readers.emplace_back([&] {
            while (!done) {
                if (auto service = registry.find("test.Value")) {
                    wrong += *std::static_pointer_cast<int>(service) != 42;
                    ++found;
                }
            }
        });
    }
    for (int round = 0; round < 2000; ++round) {
        registry.publish("owner", "test.Value", std::make_shared<int>(42));
        registry.withdraw("owner");
    }
    done = true;
    for (auto& reader : readers) {
        reader.join();
    }
    BOOST_TEST(wrong == 0);
    BOOST_TEST(!registry.find("test.Value"));
}

BOOST_AUTO_TEST_SUITE_END()
