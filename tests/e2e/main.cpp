#define BOOST_TEST_MODULE e2e
#include <Poco/Net/SSLManager.h>
#include <boost/test/unit_test.hpp>

namespace {

struct SslSetup {
    SslSetup() { Poco::Net::initializeSSL(); }
    ~SslSetup() { Poco::Net::uninitializeSSL(); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(SslSetup);
