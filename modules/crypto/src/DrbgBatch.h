#pragma once

#include <kiod/crypto/SecretBytes.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <span>

namespace kiod::crypto {

// Which process this is in a line of forks: a child sees one more than its
// parent saw when it forked. The first call registers the fork handler that
// counts; std::bad_alloc if it cannot (pthread_atfork fails only for want of
// memory).
std::uint64_t forkGeneration();

// Output of OpenSSL's DRBG (RAND_bytes) drawn a batch at a time and handed
// out in slices, each byte once, wiped from the batch as it is handed out.
//
// Why: in OpenSSL 3.0 nearly all of a RAND_bytes call's cost is per call
// (locking, the fork check and the CTR-DRBG update after every call):
// 0.55 µs for 12 bytes, 0.62 µs for 768 here, more than sealing a wrapped
// key. Drawn 768 bytes at a time, a 12-byte nonce costs about 0.02 µs. The
// bytes are the DRBG's output as RAND_bytes returns it call by call, handed
// out once each, so nonces stay unique random 96-bit values and keys stay
// as unpredictable as the DRBG.
//
// A fork copies the batch into the child, and a child handing out the bytes
// its parent also hands out would repeat a nonce under the same key (which
// gives away GCM's authentication key) or a data key. So a batch drawn in
// another generation (forkGeneration()) is thrown away at the next draw.
// Only the forking thread lives on in a child, which is all this needs; a
// child forked while another thread held a lock it later takes is already
// outside what POSIX allows before exec, and kiod does not fork after start.
//
// Buffer is Bytes for values that are public once used (nonces), and
// SecretBytes, in the secure heap, for key material. Not thread-safe.
template <class Buffer>
class DrbgBatch {
public:
    // An empty batch of `size` bytes: the first draw fills it.
    explicit DrbgBatch(std::size_t size) : buffer_(size), next_(size) {}

    // Fills `out` (at most the batch size) with bytes never handed out
    // before. False when the DRBG failed; `out` is then wiped.
    bool draw(std::span<std::uint8_t> out) {
        if (buffer_.size() - next_ < out.size() || generation_ != forkGeneration()) {
            if (!refill()) {
                OPENSSL_cleanse(out.data(), out.size());
                return false;
            }
        }
        std::copy_n(buffer_.data() + next_, out.size(), out.data());
        OPENSSL_cleanse(buffer_.data() + next_, out.size());
        next_ += out.size();
        return true;
    }

private:
    bool refill() {
        generation_ = forkGeneration();
        if (RAND_bytes(buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
            OPENSSL_cleanse(buffer_.data(), buffer_.size());
            next_ = buffer_.size();  // empty: the next draw tries the DRBG again
            return false;
        }
        next_ = 0;
        return true;
    }

    Buffer buffer_;
    std::size_t next_;  // the first byte not handed out; buffer_.size() when empty
    std::uint64_t generation_ = 0;
};

}  // namespace kiod::crypto
