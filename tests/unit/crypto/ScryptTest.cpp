#include "CryptoTestSupport.h"
#include "Scrypt.h"

#include <boost/test/unit_test.hpp>

using namespace kiod::crypto;
using kiod::crypto::test::bytesOf;
using kiod::crypto::test::fromHex;

BOOST_AUTO_TEST_SUITE(scrypt)

// RFC 7914 section 12. The RFC's own text could not be fetched while this
// was written; the values are as quoted from section 12 by several
// independent test suites (OpenSSL's Ruby bindings, Bouncy Castle, Go),
// which agree byte for byte. The fourth vector (N=2^20, 1 GiB) is above
// Scrypt::kMaxMemory and is not run.
BOOST_AUTO_TEST_CASE(rfc_7914_test_vectors) {
    struct Vector {
        std::string passphrase;
        std::string salt;
        ScryptParameters parameters;
        std::string derived;
    };
    const Vector vectors[] = {
        {"",
         "",
         {4, 1, 1},
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
         "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
        {"password",
         "NaCl",
         {10, 8, 16},
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
         "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
        {"pleaseletmein",
         "SodiumChloride",
         {14, 8, 1},
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
         "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"},
    };
    for (const Vector& vector : vectors) {
        Bytes derived(64);
        BOOST_TEST_REQUIRE(Scrypt::derive(bytesOf(vector.passphrase), bytesOf(vector.salt),
                                          vector.parameters, derived)
                               .isOk());
        BOOST_TEST((derived == fromHex(vector.derived)), "N=2^" << int(vector.parameters.log2N));
    }
}

BOOST_AUTO_TEST_CASE(parameters_out_of_bounds_are_refused_before_deriving) {
    const ScryptParameters refused[] = {
        {0, 8, 1},            // N=1 is not a valid scrypt cost
        {21, 1, 1},           // N above 2^20
        {10, 0, 1},           // r = 0
        {10, 8, 0},           // p = 0
        {10, 8, 17},          // p above 16
        {17, 16, 1},          // 256 MiB + 384 KiB, above what OpenSSL is allowed
        {20, 0xffffffff, 1},  // would overflow a 32-bit memory estimate
    };
    for (const ScryptParameters& parameters : refused) {
        Bytes out(32);
        kiod::Status status = Scrypt::derive(bytesOf("pw"), bytesOf("salt"), parameters, out);
        BOOST_TEST((status.code() == kiod::StatusCode::kInvalid),
                   int(parameters.log2N)
                       << "/" << parameters.r << "/" << parameters.p << ": " << status.message());
    }
}

BOOST_AUTO_TEST_CASE(the_default_memory_cost_fits_the_maxmem_set_for_openssl) {
    // OpenSSL's default maxmem (32 MiB) refuses N=2^17, r=8; ours must not.
    BOOST_TEST(Scrypt::check(ScryptParameters{}).isOk());
    BOOST_TEST(Scrypt::check({17, 15, 1}).isOk());  // 240 MiB: the largest r at N=2^17
}

BOOST_AUTO_TEST_SUITE_END()
