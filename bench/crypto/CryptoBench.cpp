// bench/crypto: the crypto core measured in process on one thread, as a
// caller inside kiod uses it, beside `openssl speed` in the same run. See
// bench/crypto/run.sh.
//
//   crypto_bench payload SECONDS BYTES   Keyring::encrypt and decrypt of BYTES-byte
//                                        payloads, and the stream format (64 KiB
//                                        segments) under a generated data key
//   crypto_bench datakeys SECONDS        Keyring::generateDataKey and unwrap
//   crypto_bench parts SECONDS           the pieces of a data key operation, each
//                                        alone, in microseconds
//
// Prints "name value" lines for run.sh.
#include "Keyring.h"
#include "KeyringStore.h"
#include "StreamDecryptor.h"
#include "StreamEncryptor.h"

#include <kiod/crypto/KeyService.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace kiod::crypto;
using Clock = std::chrono::steady_clock;

namespace {

// Wrapped keys and owners cycled through, so that unwrap reads a different
// blob each time, as a restore reading many objects does.
constexpr std::size_t kDistinctKeys = 1024;

[[noreturn]] void fail(const char* what, const kiod::Status& status) {
    std::fprintf(stderr, "crypto_bench: %s: %s\n", what, status.message().c_str());
    std::exit(1);
}

template <class T>
T valueOrExit(const char* what, kiod::Result<T> result) {
    if (!result) {
        fail(what, result.status());
    }
    return std::move(result).value();
}

// A keyring as kiod's crypto module holds it after start-up: the secure heap
// set up, one random root key version.
std::unique_ptr<Keyring> unlockedKeyring() {
    if (!initializeSecureHeap()) {
        std::fprintf(stderr, "crypto_bench: no secure heap; keys are in the ordinary heap\n");
    }
    auto keyring = std::make_unique<Keyring>(KeyringStore::kKeyId);
    if (kiod::Status status = keyring->addVersion(1, SecretBytes::random(AesGcm::kKeySize));
        !status) {
        fail("addVersion", status);
    }
    return keyring;
}

Owner ownerOf(std::size_t i) {
    return {"5b0e4f3c-6a51-4d7e-9a0c-2f1d8e7b6c5a", "restorepoint/rp-" + std::to_string(i),
            "restorepoint-data"};
}

// Calls `operation(i)` for i = 0, 1, ... for `seconds` after a short warm-up;
// the calls per second. The clock is read every 64 calls, so that reading it
// costs nothing next to a data key operation.
template <class Operation>
double callsPerSecond(double seconds, Operation operation) {
    const auto run = [&](std::chrono::duration<double> length) {
        const auto started = Clock::now();
        std::size_t calls = 0;
        Clock::duration elapsed{};
        do {
            for (int k = 0; k < 64; ++k) {
                operation(calls++);
            }
            elapsed = Clock::now() - started;
        } while (elapsed < length);
        return static_cast<double>(calls) / std::chrono::duration<double>(elapsed).count();
    };
    run(std::chrono::duration<double>(seconds / 10));
    return run(std::chrono::duration<double>(seconds));
}

Bytes payloadOf(std::size_t size) {
    Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) {
        payload[i] = static_cast<std::uint8_t>(i * 131 + 7);
    }
    return payload;
}

int payload(double seconds, std::size_t size) {
    const std::unique_ptr<Keyring> keyring = unlockedKeyring();
    const Owner owner = ownerOf(0);
    const Bytes plaintext = payloadOf(size);
    const Bytes sealed = valueOrExit("encrypt", keyring->encrypt(plaintext, owner));
    if (valueOrExit("decrypt", keyring->decrypt(sealed, owner)) != plaintext) {
        std::fprintf(stderr, "crypto_bench: decrypt did not give the plaintext back\n");
        return 1;
    }
    const auto bytesPerSecond = [size](double calls) { return calls * static_cast<double>(size); };
    std::printf("keyring_encrypt_bytes_per_second %.0f\n",
                bytesPerSecond(callsPerSecond(seconds, [&](std::size_t) {
                    valueOrExit("encrypt", keyring->encrypt(plaintext, owner));
                })));
    std::printf("keyring_decrypt_bytes_per_second %.0f\n",
                bytesPerSecond(callsPerSecond(seconds, [&](std::size_t) {
                    valueOrExit("decrypt", keyring->decrypt(sealed, owner));
                })));

    // The stream format, for payloads above KeyService::kMaxMessageSize: a
    // data key per stream, the payload fed in pieces of a segment's size
    // and what comes out written away after each, as a caller streaming a
    // file or a request body would (and as the memory bound of the format
    // intends).
    const Bytes associatedData = owner.encode();
    const DataKey dataKey = valueOrExit("generateDataKey", keyring->generateDataKey(owner));
    const auto inPieces = [](ByteView bytes, auto feed) {
        for (std::size_t at = 0; at < bytes.size(); at += StreamEncryptor::kDefaultSegmentSize) {
            if (kiod::Status status = feed(bytes.subspan(
                    at, std::min(StreamEncryptor::kDefaultSegmentSize, bytes.size() - at)));
                !status) {
                fail("stream update", status);
            }
        }
    };
    // Seals the payload as a stream; appends it to `whole` unless null.
    const auto sealStream = [&](Bytes* whole) {
        auto encryptor =
            valueOrExit("stream", StreamEncryptor::create(dataKey.plaintext.view(),
                                                          dataKey.wrappedUnder, associatedData));
        Bytes out;
        const auto writeAway = [&] {
            if (whole != nullptr) {
                whole->insert(whole->end(), out.begin(), out.end());
            }
            out.clear();
        };
        inPieces(plaintext, [&](ByteView piece) {
            kiod::Status status = encryptor.update(piece, out);
            writeAway();
            return status;
        });
        if (kiod::Status status = encryptor.finish(out); !status) {
            fail("stream finish", status);
        }
        writeAway();
    };
    Bytes stream;
    sealStream(&stream);
    std::printf("stream_encrypt_bytes_per_second %.0f\n",
                bytesPerSecond(callsPerSecond(seconds, [&](std::size_t) { sealStream(nullptr); })));
    std::printf("stream_decrypt_bytes_per_second %.0f\n",
                bytesPerSecond(callsPerSecond(seconds, [&](std::size_t) {
                    auto decryptor = valueOrExit(
                        "stream",
                        StreamDecryptor::create(dataKey.plaintext.view(), associatedData));
                    Bytes out;
                    inPieces(stream, [&](ByteView piece) {
                        kiod::Status status = decryptor.update(piece, out);
                        out.clear();
                        return status;
                    });
                    if (kiod::Status status = decryptor.finish(out); !status) {
                        fail("stream finish", status);
                    }
                })));
    return 0;
}

int datakeys(double seconds) {
    const std::unique_ptr<Keyring> keyring = unlockedKeyring();
    std::vector<Owner> owners;
    std::vector<Bytes> wrapped;
    for (std::size_t i = 0; i < kDistinctKeys; ++i) {
        owners.push_back(ownerOf(i));
        DataKey key = valueOrExit("generateDataKey", keyring->generateDataKey(owners.back()));
        if (valueOrExit("unwrap", keyring->unwrap(key.wrapped, owners.back())).view().size() !=
            AesGcm::kKeySize) {
            std::fprintf(stderr, "crypto_bench: unwrap did not give a 32-byte key\n");
            return 1;
        }
        wrapped.push_back(std::move(key.wrapped));
    }
    std::printf("generate_data_keys_per_second %.0f\n", callsPerSecond(seconds, [&](std::size_t i) {
                    valueOrExit("generateDataKey",
                                keyring->generateDataKey(owners[i % kDistinctKeys]));
                }));
    std::printf("unwraps_per_second %.0f\n", callsPerSecond(seconds, [&](std::size_t i) {
                    valueOrExit("unwrap", keyring->unwrap(wrapped[i % kDistinctKeys],
                                                          owners[i % kDistinctKeys]));
                }));
    return 0;
}

// What each piece of a wrapped key's seal costs alone, to show where a data
// key operation's time goes: the DRBG call per value that DrbgBatch saves,
// and the cipher context each operation sets up with the root key. The
// context lines answer whether keeping one context per thread would pay:
// re-keying a kept context (and re-keying it again with a zero key after
// use, so that it does not keep the root key's schedule in the ordinary
// heap) against a new one per operation.
int parts(double seconds) {
    const auto microseconds = [seconds](auto operation) {
        return 1e6 / callsPerSecond(seconds, [&](std::size_t) { operation(); });
    };
    std::array<std::uint8_t, AesGcm::kNonceSize> nonce{};
    std::printf("rand_bytes_12_us %.3f\n", microseconds([&] {
                    if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
                        fail("RAND_bytes", kiod::Status::internal("failed"));
                    }
                }));
    std::printf("nonce_from_batch_us %.3f\n", microseconds([&] {
                    if (kiod::Status status = AesGcm::randomNonce(nonce); !status) {
                        fail("randomNonce", status);
                    }
                }));
    std::printf("key_from_batch_us %.3f\n", microseconds([] {
                    if (AesGcm::randomKey().empty()) {
                        fail("randomKey", kiod::Status::internal("failed"));
                    }
                }));

    const SecretBytes key = SecretBytes::random(AesGcm::kKeySize);
    const Bytes zeroKey(AesGcm::kKeySize, 0);
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    EVP_CIPHER_CTX* kept = EVP_CIPHER_CTX_new();
    if (cipher == nullptr || kept == nullptr ||
        EVP_CipherInit_ex2(kept, cipher, zeroKey.data(), nullptr, -1, nullptr) != 1) {
        fail("EVP", kiod::Status::internal("no AES-256-GCM context"));
    }
    std::printf("context_new_keyed_freed_us %.3f\n", microseconds([&] {
                    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
                    EVP_CipherInit_ex2(ctx, cipher, key.data(), nullptr, -1, nullptr);
                    EVP_CIPHER_CTX_free(ctx);
                }));
    std::printf("context_rekeyed_us %.3f\n", microseconds([&] {
                    EVP_CipherInit_ex2(kept, nullptr, key.data(), nullptr, -1, nullptr);
                }));
    EVP_CIPHER_CTX_free(kept);
    EVP_CIPHER_free(cipher);

    AesGcm aes = valueOrExit("AesGcm", AesGcm::create(key.view()));
    const Bytes dataKey(AesGcm::kKeySize, 7);
    const Bytes associatedData(64, 1);
    Bytes wrapped(AesGcm::kKeySize);
    std::array<std::uint8_t, AesGcm::kTagSize> tag{};
    std::printf(
        "seal_32_bytes_keyed_us %.3f\n", microseconds([&] {
            if (kiod::Status status = aes.seal(nonce, {associatedData}, dataKey, wrapped, tag);
                !status) {
                fail("seal", status);
            }
        }));
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: crypto_bench payload SECONDS BYTES\n"
                 "       crypto_bench datakeys SECONDS\n"
                 "       crypto_bench parts SECONDS\n");
    return 64;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "payload") {
        return payload(std::stod(args[1]), std::stoul(args[2]));
    }
    if (args.size() == 2 && args[0] == "datakeys") {
        return datakeys(std::stod(args[1]));
    }
    if (args.size() == 2 && args[0] == "parts") {
        return parts(std::stod(args[1]));
    }
    return usage();
}
