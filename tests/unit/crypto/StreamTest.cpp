#include "CryptoTestSupport.h"
#include "StreamDecryptor.h"
#include "StreamEncryptor.h"

#include <kiod/crypto/KeyService.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace kiod::crypto;
using kiod::crypto::test::bytesOf;
using kiod::crypto::test::patternBytes;

namespace {

constexpr std::size_t kHeader = EnvelopeHeader::kStreamSize;
constexpr std::size_t kTag = 16;

struct StreamFixture {
    SecretBytes key = SecretBytes::random(32);
    Bytes owner = Owner{"catalog-7d1f", "restorepoint/rp-42", "backup-data"}.encode();

    // The whole stream for `payload`, fed in pieces of `piece` bytes.
    Bytes encrypt(const Bytes& payload, std::size_t segmentSize, std::size_t piece = 1000) {
        auto encryptor = StreamEncryptor::create(key.view(), {1, 1}, owner, segmentSize);
        BOOST_REQUIRE(encryptor.isOk());
        Bytes out;
        for (std::size_t at = 0; at < payload.size(); at += piece) {
            std::size_t take = std::min(piece, payload.size() - at);
            BOOST_REQUIRE(encryptor->update({payload.data() + at, take}, out).isOk());
        }
        BOOST_REQUIRE(encryptor->finish(out).isOk());
        return out;
    }

    // The plaintext of `stream`, fed in pieces, or the first failure.
    kiod::Result<Bytes> decrypt(const Bytes& stream, std::size_t piece = 1000,
                                const Bytes* associatedData = nullptr) {
        auto decryptor =
            StreamDecryptor::create(key.view(), associatedData ? *associatedData : owner);
        BOOST_REQUIRE(decryptor.isOk());
        Bytes out;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            std::size_t take = std::min(piece, stream.size() - at);
            if (kiod::Status status = decryptor->update({stream.data() + at, take}, out); !status) {
                return status;
            }
        }
        if (kiod::Status status = decryptor->finish(out); !status) {
            return status;
        }
        return out;
    }
};

// A stream cut into its header and its encrypted segments.
struct Pieces {
    Bytes header;
    std::vector<Bytes> segments;

    Pieces(const Bytes& stream, std::size_t segmentSize) {
        header.assign(stream.begin(), stream.begin() + kHeader);
        for (std::size_t at = kHeader; at < stream.size(); at += segmentSize + kTag) {
            std::size_t take = std::min(segmentSize + kTag, stream.size() - at);
            segments.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(at),
                                  stream.begin() + static_cast<std::ptrdiff_t>(at + take));
        }
    }

    Bytes join() const {
        Bytes out = header;
        for (const Bytes& segment : segments) {
            out.insert(out.end(), segment.begin(), segment.end());
        }
        return out;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(stream, StreamFixture)

BOOST_AUTO_TEST_CASE(a_multi_megabyte_payload_round_trips_through_bounded_buffers) {
    // 8 MiB plus a partial segment, 64 KiB segments, fed in 100003-byte
    // pieces; each ciphertext piece goes straight into the decryptor, so no
    // side ever holds the whole stream. Every output piece is bounded by the
    // input piece plus one segment.
    constexpr std::size_t kSegment = 64 * 1024;
    constexpr std::size_t kPiece = 100003;
    const Bytes payload = patternBytes(8 * 1024 * 1024 + 12345);
    const std::size_t bound = kHeader + (kPiece / kSegment + 2) * (kSegment + kTag);

    auto encryptor = StreamEncryptor::create(key.view(), {1, 1}, owner, kSegment);
    auto decryptor = StreamDecryptor::create(key.view(), owner);
    BOOST_TEST_REQUIRE((encryptor.isOk() && decryptor.isOk()));
    Bytes decrypted;
    Bytes ciphertext;
    std::size_t largestPiece = 0;
    std::size_t streamSize = 0;
    for (std::size_t at = 0; at < payload.size() + kPiece; at += kPiece) {
        ciphertext.clear();
        if (at < payload.size()) {
            std::size_t take = std::min(kPiece, payload.size() - at);
            BOOST_TEST_REQUIRE(encryptor->update({payload.data() + at, take}, ciphertext).isOk());
        } else {
            BOOST_TEST_REQUIRE(encryptor->finish(ciphertext).isOk());
        }
        largestPiece = std::max(largestPiece, ciphertext.size());
        streamSize += ciphertext.size();
        std::size_t before = decrypted.size();
        BOOST_TEST_REQUIRE(decryptor->update(ciphertext, decrypted).isOk());
        BOOST_TEST(decrypted.size() - before <= bound);
    }
    BOOST_TEST_REQUIRE(decryptor->finish(decrypted).isOk());
    BOOST_TEST(largestPiece <= bound);
    const std::size_t segments = payload.size() / kSegment + 1;
    BOOST_TEST(streamSize == kHeader + payload.size() + segments * kTag);
    BOOST_TEST((decrypted == payload));
}

BOOST_AUTO_TEST_CASE(payloads_at_segment_boundaries_and_empty_round_trip) {
    for (std::size_t size : {0, 1, 31, 32, 33, 64, 96, 97}) {
        const Bytes payload = patternBytes(size, static_cast<std::uint32_t>(size));
        for (std::size_t piece : {1, 7, 32, 1000}) {
            Bytes stream = encrypt(payload, 32, piece);
            const std::size_t segments = size == 0 ? 1 : (size + 31) / 32;
            BOOST_TEST(stream.size() == kHeader + size + segments * kTag);
            auto decrypted = decrypt(stream, piece);
            BOOST_TEST_REQUIRE(decrypted.isOk(), size << "/" << piece);
            BOOST_TEST((decrypted.value() == payload));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_header_names_the_key_and_the_segment_size) {
    Bytes stream = encrypt(patternBytes(10), 4096);
    auto header = StreamDecryptor::peek(stream);
    BOOST_TEST_REQUIRE(header.isOk());
    BOOST_TEST(header->key.keyId == 1u);
    BOOST_TEST(header->key.keyVersion == 1u);
    BOOST_TEST(header->segmentSize == 4096u);
    BOOST_TEST(stream[5] == 3);  // stream
    BOOST_TEST(stream[6] == 2);  // HKDF-SHA256 + AES-256-GCM segments
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_fails_authentication) {
    Bytes stream = encrypt(patternBytes(80), 32);
    for (std::size_t i = 0; i < stream.size(); ++i) {
        Bytes tampered = stream;
        tampered[i] ^= 0x01;
        BOOST_TEST(isAuthenticationFailure(decrypt(tampered, 7).status()), "byte " << i);
    }
}

BOOST_AUTO_TEST_CASE(a_dropped_segment_fails_authentication) {
    Pieces pieces(encrypt(patternBytes(160), 32), 32);
    BOOST_TEST_REQUIRE(pieces.segments.size() == 5u);
    for (std::size_t drop = 0; drop < pieces.segments.size(); ++drop) {
        Pieces changed = pieces;
        changed.segments.erase(changed.segments.begin() + static_cast<std::ptrdiff_t>(drop));
        BOOST_TEST(isAuthenticationFailure(decrypt(changed.join()).status()), drop);
    }
}

BOOST_AUTO_TEST_CASE(swapped_segments_fail_authentication) {
    Pieces pieces(encrypt(patternBytes(150), 32), 32);
    for (std::size_t i = 0; i + 1 < pieces.segments.size(); ++i) {
        Pieces changed = pieces;
        std::swap(changed.segments[i], changed.segments[i + 1]);
        BOOST_TEST(isAuthenticationFailure(decrypt(changed.join()).status()), i);
    }
}

BOOST_AUTO_TEST_CASE(a_duplicated_segment_fails_authentication) {
    Pieces pieces(encrypt(patternBytes(150), 32), 32);
    for (std::size_t i = 0; i < pieces.segments.size(); ++i) {
        Pieces changed = pieces;
        changed.segments.insert(changed.segments.begin() + static_cast<std::ptrdiff_t>(i),
                                pieces.segments[i]);
        BOOST_TEST(isAuthenticationFailure(decrypt(changed.join()).status()), i);
    }
}

BOOST_AUTO_TEST_CASE(a_truncated_stream_fails_authentication) {
    Bytes stream = encrypt(patternBytes(128), 32);  // four full segments
    for (std::size_t size = 0; size < stream.size(); ++size) {
        Bytes cut(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(size));
        BOOST_TEST(isAuthenticationFailure(decrypt(cut).status()), size);
    }
}

BOOST_AUTO_TEST_CASE(another_owner_or_key_fails_authentication) {
    Bytes stream = encrypt(patternBytes(100), 32);
    Bytes otherOwner = Owner{"catalog-7d1f", "restorepoint/rp-43", "backup-data"}.encode();
    BOOST_TEST(isAuthenticationFailure(decrypt(stream, 1000, &otherOwner).status()));
    key = SecretBytes::random(32);
    BOOST_TEST(isAuthenticationFailure(decrypt(stream).status()));
}

BOOST_AUTO_TEST_CASE(a_failed_decryptor_stays_failed_and_misuse_is_refused) {
    Bytes stream = encrypt(patternBytes(100), 32);
    stream[kHeader + 3] ^= 1;
    auto decryptor = StreamDecryptor::create(key.view(), owner);
    BOOST_TEST_REQUIRE(decryptor.isOk());
    Bytes out;
    BOOST_TEST(isAuthenticationFailure(decryptor->update(stream, out)));
    BOOST_TEST(out.empty());
    BOOST_TEST(isAuthenticationFailure(decryptor->update(stream, out)));
    BOOST_TEST(isAuthenticationFailure(decryptor->finish(out)));

    BOOST_TEST((StreamEncryptor::create(key.view(), {1, 1}, owner, 0).status().code() ==
                kiod::StatusCode::kInvalid));
    BOOST_TEST((StreamEncryptor::create(Bytes(16), {1, 1}, owner).status().code() ==
                kiod::StatusCode::kInvalid));
    auto encryptor = StreamEncryptor::create(key.view(), {1, 1}, owner);
    BOOST_TEST_REQUIRE(encryptor.isOk());
    BOOST_TEST(encryptor->finish(out).isOk());
    BOOST_TEST((encryptor->update(bytesOf("late"), out).code() == kiod::StatusCode::kInvalid));
}

BOOST_AUTO_TEST_CASE(an_oversized_segment_size_in_the_header_is_refused_before_buffering) {
    Bytes stream = encrypt(patternBytes(10), 32);
    // 0x7fffffff bytes per segment: the decryptor must not wait for 2 GiB.
    stream[16] = 0x7f;
    stream[17] = stream[18] = stream[19] = 0xff;
    auto decryptor = StreamDecryptor::create(key.view(), owner);
    BOOST_TEST_REQUIRE(decryptor.isOk());
    Bytes out;
    BOOST_TEST(isAuthenticationFailure(decryptor->update(stream, out)));
}

BOOST_AUTO_TEST_SUITE_END()
