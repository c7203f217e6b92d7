#pragma once

#include "Passkey.h"

#include <kiod/StatusResponse.h>

#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <vector>

namespace kiod::crypto {

// The spec of a vault.kio.kasten.io Passkey object: where the passkey's
// secret came from (docs/PASSKEYS.md). Never the secret itself: a passkey
// object holds a reference, and what it refers to is read once, when the
// passkey is created.
//
//   spec.secret:  {name, namespace}   a passphrase, in the Secret's key
//                                     `passphrase` (K10's shape)
//   spec.keyFile: {name, namespace}   32 random bytes, in the Secret's key `key`
//   spec.configuration: true          kiod's own: the passkey the first start
//                                     sealed the primary key under, from
//                                     [crypto]'s passphrase source
//
// kiod has no Kubernetes client: a Secret is read as a Secret volume lays
// it out, NAMESPACE/NAME/KEY under [crypto] passkey.source_dir
// (PasskeySourceDirectory).
class PasskeySpec {
public:
    enum class Source { kSecret, kKeyFile, kConfiguration };

    // The spec of an object a client creates (`spec` null when absent), or
    // nullopt with one cause per field wrong appended to `causes`: neither
    // or both of secret and keyFile, configuration (kiod's alone), a
    // reference whose name is not an object name (RFC 1123 subdomain) or
    // whose namespace is not a namespace name (RFC 1123 label). The names'
    // rules also keep the file they lead to inside the source directory:
    // neither can be empty, `..` or hold a '/'. Members other than these
    // are dropped, as a typed API drops unknown fields: the object stores
    // only what json() writes, so nothing else a client sent (a passphrase
    // written in by mistake) is kept.
    static std::optional<PasskeySpec> forCreate(const rapidjson::Value* spec,
                                                std::vector<StatusCause>& causes);
    // The spec of the passkey from kiod's configuration.
    static PasskeySpec configuration() { return PasskeySpec(Source::kConfiguration, "", ""); }

    Source source() const { return source_; }
    // The kind of passkey a secret or key file reference gives.
    PasskeyKind kind() const {
        return source_ == Source::kKeyFile ? PasskeyKind::kKeyFile : PasskeyKind::kPassphrase;
    }
    // The field failures to read the reference are about: spec.secret or
    // spec.keyFile.
    std::string field() const;
    // The file a reference leads to, relative to the source directory:
    // NAMESPACE/NAME/passphrase or NAMESPACE/NAME/key.
    std::string relativePath() const;

    // The spec as the object stores it.
    rapidjson::Value json(rapidjson::Document::AllocatorType& allocator) const;

private:
    PasskeySpec(Source source, std::string name, std::string ns)
        : source_(source), name_(std::move(name)), ns_(std::move(ns)) {}

    Source source_;
    std::string name_;  // of the Secret; empty for kConfiguration
    std::string ns_;
};

}  // namespace kiod::crypto
