#include "CryptoTestSupport.h"
#include "Keyring.h"
#include "StreamDecryptor.h"

#include <kiod/crypto/KeyService.h>

#include <boost/test/unit_test.hpp>

using namespace kiod::crypto;
using kiod::crypto::test::bytesOf;
using kiod::crypto::test::fromHex;

// Blobs of format version 1 written by this code and, independently,
// opened by Python's `cryptography` package from docs/CRYPTO_FORMAT.md alone
// (AESGCM, HKDF). They pin the byte layout: a change that stops them from
// opening breaks every catalog and backup already written, and needs a new
// format version instead.
namespace {

const char* kRootKey = "7026e2a1714165037b9b4d94b29a769d2641c4a0676ba2fe38e60bec58a3ee67";
const char* kDataKey = "ae2e671988b75df73cd6e0992bc285bc7a83fc57838ea17581b86b006b90f699";
const char* kWrapped =
    "4b494f440102010000000007000000035f85967e1ce86f8296c2a976232c379bb2ed1d68f59b02ea4b4bf95e04"
    "710e088b4601c99cdf7605d234575244b7bf1df1dd269eed75bc2d84cab306";
const char* kMessage =
    "4b494f44010101000000000700000003b3de17caddcdc66afb31a7f05c08d1ffd4894c1d616ef9e2646cd931fe46";
// Segment size 5, plaintext "abcdefghijkl": three segments, under the data key.
const char* kStream =
    "4b494f440103020000000009000000010000000563d0f3dcd97e3e5dc4868d8f2bb9a465a7fb4a110be573f6c0b5"
    "60d7631c5d82071649b48e8e3322151a8237bfcd692e4e6a4bef8fd3abbc59d6641da4f648f6b9658ba51dda4783"
    "9677aa1a04dc60528bc576950005d72d21b9bbdf";

const Owner kOwner{"cat", "rp-1", "purpose"};

}  // namespace

BOOST_AUTO_TEST_SUITE(format_compatibility)

BOOST_AUTO_TEST_CASE(a_version_1_wrapped_key_and_message_still_open) {
    Keyring keyring(7);
    BOOST_REQUIRE(keyring.addVersion(3, SecretBytes::copyOf(fromHex(kRootKey))).isOk());
    auto dataKey = keyring.unwrap(fromHex(kWrapped), kOwner);
    BOOST_TEST_REQUIRE(dataKey.isOk(), dataKey.status().message());
    BOOST_TEST((Bytes(dataKey->view().begin(), dataKey->view().end()) == fromHex(kDataKey)));
    auto message = keyring.decrypt(fromHex(kMessage), kOwner);
    BOOST_TEST_REQUIRE(message.isOk(), message.status().message());
    BOOST_TEST((message.value() == bytesOf("hi")));
}

BOOST_AUTO_TEST_CASE(a_version_1_stream_still_opens) {
    const Bytes stream = fromHex(kStream);
    auto header = StreamDecryptor::peek(stream);
    BOOST_TEST_REQUIRE(header.isOk());
    BOOST_TEST(header->key.keyId == 9u);
    BOOST_TEST(header->segmentSize == 5u);
    auto decryptor = StreamDecryptor::create(fromHex(kDataKey), kOwner.encode());
    BOOST_TEST_REQUIRE(decryptor.isOk());
    Bytes plaintext;
    BOOST_TEST_REQUIRE(decryptor->update(stream, plaintext).isOk());
    BOOST_TEST_REQUIRE(decryptor->finish(plaintext).isOk());
    BOOST_TEST((plaintext == bytesOf("abcdefghijkl")));
}

BOOST_AUTO_TEST_SUITE_END()
