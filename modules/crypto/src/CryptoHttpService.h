#pragma once

#include <kiod/Router.h>
#include <kiod/crypto/DataKeyStore.h>
#include <kiod/crypto/KeyAdmin.h>
#include <kiod/crypto/KeyService.h>

#include <memory>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>

namespace kiod::crypto {

// The crypto service over HTTP, for the platform's other services, mounted
// on the internal listener only (docs/CRYPTO_SERVICE.md has every request
// and answer). JSON, binary as standard base64, owners as OwnerJson.
//
// Data: POST /crypto/v1/{encrypt,decrypt,datakey,unwrap,rewrap} take one
// item or {"items": [...]}; a batch answers {"results": [...]} in order,
// each the item's answer or {"error": Status}, each echoing the item's
// "reference"; 200 when every item succeeded, 207 Multi-Status otherwise.
// Keys: GET /crypto/v1/keys, POST /crypto/v1/keys/{rotate,config,trim,
// rewrap}, GET /crypto/v1/keys/rewrap, DELETE /crypto/v1/datakeys/{id}.
//
// Failures are Kubernetes Status bodies: 400 for bad input and for
// anything that does not authenticate (one opaque message, whatever was
// wrong), 403 below the decryption floor, 404 for an unknown stored key,
// 409 for a trim refused, 503 while the keyring is locked.
class CryptoHttpService {
public:
    CryptoHttpService(std::shared_ptr<KeyService> keys, std::shared_ptr<DataKeyStore> dataKeys,
                      std::shared_ptr<KeyAdmin> admin)
        : keys_(std::move(keys)), dataKeys_(std::move(dataKeys)), admin_(std::move(admin)) {}

    void mount(Router& router, const std::string& listener);

private:
    using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
    // One item's operation: computes everything first, then writes the
    // answer's members into the open object `out`, or writes nothing and
    // returns the failure.
    using Operation = Status (CryptoHttpService::*)(const rapidjson::Value& item, Writer& out);

    // encrypt, decrypt and rewrap: the item's owner and base64 member
    // `input` through `operation`, written as `output`.
    using BytesOperation = Result<Bytes> (KeyService::*)(ByteView, const Owner&);
    enum class Output { kSealed, kSecret };
    Status transform(const rapidjson::Value& item, Writer& out, const char* input,
                     BytesOperation operation, const char* output, Output kind);

    void serve(Operation operation, RouteRequest& request, Poco::Net::HTTPServerResponse& response);

    Status encrypt(const rapidjson::Value& item, Writer& out);
    Status decrypt(const rapidjson::Value& item, Writer& out);
    Status datakey(const rapidjson::Value& item, Writer& out);
    Status unwrap(const rapidjson::Value& item, Writer& out);
    Status rewrap(const rapidjson::Value& item, Writer& out);

    void keys(Poco::Net::HTTPServerResponse& response);
    // Answers a change to the keyring (rotate, floor, trim, rewrap): its
    // failure, or the report after it with `code`.
    void answerChange(Poco::Net::HTTPServerResponse& response, const Status& changed,
                      int code = 200);
    // The floor and trim: one version from the body's `member`, given to
    // `change`.
    using VersionChange = Status (KeyAdmin::*)(std::uint32_t);
    void setVersion(RouteRequest& request, Poco::Net::HTTPServerResponse& response,
                    const char* member, VersionChange change);
    void rewrapProgress(Poco::Net::HTTPServerResponse& response);
    void removeDataKey(RouteRequest& request, Poco::Net::HTTPServerResponse& response);

    std::shared_ptr<KeyService> keys_;
    std::shared_ptr<DataKeyStore> dataKeys_;
    std::shared_ptr<KeyAdmin> admin_;
};

}  // namespace kiod::crypto
