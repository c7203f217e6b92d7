#define BOOST_TEST_MODULE aggregatedapi
#include <boost/test/unit_test.hpp>
