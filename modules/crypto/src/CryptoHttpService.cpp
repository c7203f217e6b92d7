#include "CryptoHttpService.h"

#include "Base64.h"
#include "EnvelopeHeader.h"
#include "OwnerJson.h"

#include <kiod/JsonDepth.h>
#include <kiod/StatusResponse.h>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <openssl/crypto.h>

#include <limits>

namespace kiod::crypto {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The service's answer for a failure: the KeyService's Invalid (an
// oversized plaintext) is bad input like any other here, so 400, as the
// transit services callers know answer.
Status forCaller(const Status& status) {
    return status.code() == StatusCode::kInvalid ? Status::badRequest(status.message()) : status;
}

Result<rapidjson::Document> parseBody(RouteRequest& request) {
    std::string body;
    Poco::StreamCopier::copyToString(request.http().stream(), body);
    rapidjson::Document document;
    if (jsonTooDeep(body) || document.Parse(body.data(), body.size()).HasParseError() ||
        !document.IsObject()) {
        return Status::badRequest("the request body must be a JSON object");
    }
    return document;
}

Result<Bytes> base64Member(const rapidjson::Value& item, const char* name) {
    auto it = item.FindMember(name);
    if (it == item.MemberEnd() || !it->value.IsString()) {
        return Status::badRequest(std::string(name) + " is required: a base64 string");
    }
    auto bytes = Base64::decode({it->value.GetString(), it->value.GetStringLength()}, name);
    return bytes ? std::move(bytes) : Result<Bytes>(forCaller(bytes.status()));
}

Result<Owner> ownerMember(const rapidjson::Value& item) {
    auto it = item.FindMember("owner");
    if (it == item.MemberEnd()) {
        return Status::badRequest("owner is required: an object with catalogId, scope and purpose");
    }
    auto owner = OwnerJson::parse(it->value, "owner");
    return owner ? std::move(owner) : Result<Owner>(forCaller(owner.status()));
}

Result<std::uint32_t> versionMember(const rapidjson::Value& body, const char* name) {
    auto it = body.FindMember(name);
    if (it == body.MemberEnd() || !it->value.IsUint()) {
        return Status::badRequest(std::string(name) + " is required: a key version from 1");
    }
    return it->value.GetUint();
}

std::uint32_t keyVersionOf(ByteView sealed) {
    auto header = EnvelopeHeader::parse(sealed);
    return header ? header->key.keyVersion : 0;
}

void writeBytes(Writer& out, const char* name, ByteView bytes) {
    auto text = Base64::encode(bytes);
    out.Key(name);
    out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeSealed(Writer& out, const char* name, ByteView sealed) {
    writeBytes(out, name, sealed);
    out.Key("keyVersion");
    out.Uint(keyVersionOf(sealed));
}

// Plaintext keys and messages: the base64 copy is wiped once written (the
// response buffer is wiped after sending, see send()).
void writeSecret(Writer& out, const char* name, ByteView secret) {
    auto text = Base64::encode(secret);
    out.Key(name);
    out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    OPENSSL_cleanse(text.data(), text.size());
}

void writeError(Writer& out, const Status& status) {
    auto failure = httpFailureFor(status.code());
    out.Key("error");
    out.StartObject();
    out.Key("code");
    out.Int(failure.code);
    out.Key("reason");
    out.String(failure.reason.data(), static_cast<rapidjson::SizeType>(failure.reason.size()));
    out.Key("message");
    out.String(status.message().c_str());
    out.EndObject();
}

void writeProgress(Writer& out, const RewrapProgress& progress) {
    out.StartObject();
    out.Key("targetVersion");
    out.Uint(progress.targetVersion);
    out.Key("running");
    out.Bool(progress.running);
    out.Key("total");
    out.Uint64(progress.total);
    out.Key("rewrapped");
    out.Uint64(progress.rewrapped);
    out.Key("failed");
    out.Uint64(progress.failed);
    out.EndObject();
}

// Sends `buffer` as the JSON answer, then wipes it: it may hold plaintext.
void send(Poco::Net::HTTPServerResponse& response, int code, rapidjson::StringBuffer& buffer) {
    buffer.Put('\n');
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    response.setContentType("application/json");
    response.sendBuffer(buffer.GetString(), buffer.GetSize());
    OPENSSL_cleanse(const_cast<char*>(buffer.GetString()), buffer.GetSize());
}

void sendReport(Poco::Net::HTTPServerResponse& response, const Result<KeyReport>& report,
                int code = 200) {
    if (!report) {
        sendStatus(response, forCaller(report.status()));
        return;
    }
    rapidjson::StringBuffer buffer;
    Writer out(buffer);
    out.StartObject();
    out.Key("keyId");
    out.Uint(report->key.keyId);
    out.Key("latestVersion");
    out.Uint(report->key.latestVersion);
    out.Key("minDecryptionVersion");
    out.Uint(report->key.minDecryptionVersion);
    out.Key("minAvailableVersion");
    out.Uint(report->key.minAvailableVersion);
    out.Key("storedDataKeys");
    out.StartObject();
    for (const auto& [version, count] : report->storedKeysByVersion) {
        out.Key(std::to_string(version).c_str());
        out.Uint64(count);
    }
    out.EndObject();
    out.Key("rewrap");
    writeProgress(out, report->rewrap);
    out.EndObject();
    send(response, code, buffer);
}

}  // namespace

void CryptoHttpService::mount(Router& router, const std::string& listener) {
    auto data = [&](const char* path, Operation operation, Execution execution) {
        router.mount(
            listener, "POST", path,
            [this, operation](RouteRequest& request, Poco::Net::HTTPServerResponse& response) {
                serve(operation, request, response);
            },
            execution);
    };
    // Encrypt, decrypt and rewrap only compute, so they run on the event
    // loop that read the request, sparing two thread switches per request:
    // decrypting a 256-byte message ran at 0.31 of /livez's rate on a
    // worker, 0.6 here (bench/crypto). The price: an item costs its loop
    // microseconds, but the largest body the listener takes (8 MiB) holds
    // it for tens of milliseconds, about as long as reading and answering
    // that body takes anyway. Bulk data belongs in a data key and the
    // stream format on the caller's side, not in these requests. datakey
    // and unwrap may wait for the catalog, so they take a worker.
    data("/crypto/v1/encrypt", &CryptoHttpService::encrypt, Execution::kEventLoop);
    data("/crypto/v1/decrypt", &CryptoHttpService::decrypt, Execution::kEventLoop);
    data("/crypto/v1/rewrap", &CryptoHttpService::rewrap, Execution::kEventLoop);
    data("/crypto/v1/datakey", &CryptoHttpService::datakey, Execution::kWorker);
    data("/crypto/v1/unwrap", &CryptoHttpService::unwrap, Execution::kWorker);

    router.mount(
        listener, "GET", "/crypto/v1/keys",
        [this](RouteRequest&, Poco::Net::HTTPServerResponse& response) { keys(response); });
    router.mount(listener, "POST", "/crypto/v1/keys/rotate",
                 [this](RouteRequest&, Poco::Net::HTTPServerResponse& response) {
                     answerChange(response, admin_->rotate().status());
                 });
    router.mount(listener, "POST", "/crypto/v1/keys/config",
                 [this](RouteRequest& request, Poco::Net::HTTPServerResponse& response) {
                     setVersion(request, response, "minDecryptionVersion",
                                &KeyAdmin::setMinDecryptionVersion);
                 });
    router.mount(listener, "POST", "/crypto/v1/keys/trim",
                 [this](RouteRequest& request, Poco::Net::HTTPServerResponse& response) {
                     setVersion(request, response, "minAvailableVersion", &KeyAdmin::trim);
                 });
    router.mount(listener, "POST", "/crypto/v1/keys/rewrap",
                 [this](RouteRequest&, Poco::Net::HTTPServerResponse& response) {
                     answerChange(response, admin_->rewrapStoredKeys(), 202);
                 });
    router.mount(listener, "GET", "/crypto/v1/keys/rewrap",
                 [this](RouteRequest&, Poco::Net::HTTPServerResponse& response) {
                     rewrapProgress(response);
                 });
    router.mount(listener, "DELETE", "/crypto/v1/datakeys/{id}",
                 [this](RouteRequest& request, Poco::Net::HTTPServerResponse& response) {
                     removeDataKey(request, response);
                 });
}

void CryptoHttpService::serve(Operation operation, RouteRequest& request,
                              Poco::Net::HTTPServerResponse& response) {
    auto body = parseBody(request);
    if (!body) {
        sendStatus(response, body.status());
        return;
    }
    rapidjson::StringBuffer buffer;
    Writer out(buffer);
    auto items = body->FindMember("items");
    if (items == body->MemberEnd()) {
        out.StartObject();
        if (Status status = (this->*operation)(body.value(), out); !status) {
            sendStatus(response, forCaller(status));
            return;
        }
        out.EndObject();
        send(response, 200, buffer);
        return;
    }
    if (!items->value.IsArray() || items->value.Empty()) {
        sendStatus(response, Status::badRequest("items must be a non-empty array of objects"));
        return;
    }
    bool allSucceeded = true;
    out.StartObject();
    out.Key("results");
    out.StartArray();
    for (const auto& item : items->value.GetArray()) {
        out.StartObject();
        if (item.IsObject()) {
            if (auto reference = item.FindMember("reference"); reference != item.MemberEnd()) {
                out.Key("reference");
                reference->value.Accept(out);
            }
        }
        Status status = item.IsObject() ? (this->*operation)(item, out)
                                        : Status::badRequest("an item must be a JSON object");
        if (!status) {
            allSucceeded = false;
            writeError(out, forCaller(status));
        }
        out.EndObject();
    }
    out.EndArray();
    out.EndObject();
    send(response, allSucceeded ? 200 : 207, buffer);
}

Status CryptoHttpService::transform(const rapidjson::Value& item, Writer& out, const char* input,
                                    BytesOperation operation, const char* output, Output kind) {
    auto owner = ownerMember(item);
    if (!owner) {
        return owner.status();
    }
    auto in = base64Member(item, input);
    if (!in) {
        return in.status();
    }
    auto result = ((*keys_).*operation)(in.value(), owner.value());
    // Either side may be plaintext; neither outlives the answer.
    OPENSSL_cleanse(in->data(), in->size());
    if (!result) {
        return result.status();
    }
    if (kind == Output::kSealed) {
        writeSealed(out, output, result.value());
    } else {
        writeSecret(out, output, result.value());
    }
    OPENSSL_cleanse(result->data(), result->size());
    return Status::ok();
}

Status CryptoHttpService::encrypt(const rapidjson::Value& item, Writer& out) {
    return transform(item, out, "plaintext", &KeyService::encrypt, "ciphertext", Output::kSealed);
}

Status CryptoHttpService::decrypt(const rapidjson::Value& item, Writer& out) {
    return transform(item, out, "ciphertext", &KeyService::decrypt, "plaintext", Output::kSecret);
}

Status CryptoHttpService::datakey(const rapidjson::Value& item, Writer& out) {
    auto owner = ownerMember(item);
    if (!owner) {
        return owner.status();
    }
    bool withPlaintext = true;
    if (auto it = item.FindMember("plaintext"); it != item.MemberEnd()) {
        if (!it->value.IsBool()) {
            return Status::badRequest("plaintext must be true or false");
        }
        withPlaintext = it->value.GetBool();
    }
    auto id = item.FindMember("id");
    if (id != item.MemberEnd()) {
        if (!id->value.IsString() || id->value.GetStringLength() == 0) {
            return Status::badRequest("id must be a non-empty string");
        }
        auto created = dataKeys_->create(id->value.GetString(), owner.value());
        if (!created) {
            return created.status();
        }
        out.Key("id");
        out.String(id->value.GetString(), id->value.GetStringLength());
        if (withPlaintext) {
            writeSecret(out, "plaintext", created->view());
        }
        return Status::ok();
    }
    if (!withPlaintext) {
        auto wrapped = keys_->generateWrappedDataKey(owner.value());
        if (!wrapped) {
            return wrapped.status();
        }
        writeSealed(out, "wrapped", wrapped.value());
        return Status::ok();
    }
    auto dataKey = keys_->generateDataKey(owner.value());
    if (!dataKey) {
        return dataKey.status();
    }
    writeSecret(out, "plaintext", dataKey->plaintext.view());
    writeSealed(out, "wrapped", dataKey->wrapped);
    return Status::ok();
}

Status CryptoHttpService::unwrap(const rapidjson::Value& item, Writer& out) {
    auto owner = ownerMember(item);
    if (!owner) {
        return owner.status();
    }
    Result<SecretBytes> dataKey = Status::badRequest("one of wrapped and id is required");
    if (auto id = item.FindMember("id"); id != item.MemberEnd()) {
        if (!id->value.IsString()) {
            return Status::badRequest("id must be a string");
        }
        dataKey = dataKeys_->open(id->value.GetString(), owner.value());
    } else if (item.HasMember("wrapped")) {
        auto wrapped = base64Member(item, "wrapped");
        if (!wrapped) {
            return wrapped.status();
        }
        dataKey = keys_->unwrap(wrapped.value(), owner.value());
    }
    if (!dataKey) {
        return dataKey.status();
    }
    writeSecret(out, "plaintext", dataKey->view());
    return Status::ok();
}

Status CryptoHttpService::rewrap(const rapidjson::Value& item, Writer& out) {
    return transform(item, out, "ciphertext", &KeyService::rewrap, "ciphertext", Output::kSealed);
}

void CryptoHttpService::keys(Poco::Net::HTTPServerResponse& response) {
    sendReport(response, admin_->report());
}

void CryptoHttpService::answerChange(Poco::Net::HTTPServerResponse& response, const Status& changed,
                                     int code) {
    if (!changed) {
        sendStatus(response, forCaller(changed));
        return;
    }
    sendReport(response, admin_->report(), code);
}

void CryptoHttpService::setVersion(RouteRequest& request, Poco::Net::HTTPServerResponse& response,
                                   const char* member, VersionChange change) {
    auto body = parseBody(request);
    auto version =
        body ? versionMember(body.value(), member) : Result<std::uint32_t>(body.status());
    answerChange(response, version ? ((*admin_).*change)(version.value()) : version.status());
}

void CryptoHttpService::rewrapProgress(Poco::Net::HTTPServerResponse& response) {
    auto report = admin_->report();
    if (!report) {
        sendStatus(response, forCaller(report.status()));
        return;
    }
    rapidjson::StringBuffer buffer;
    Writer out(buffer);
    writeProgress(out, report->rewrap);
    send(response, 200, buffer);
}

void CryptoHttpService::removeDataKey(RouteRequest& request,
                                      Poco::Net::HTTPServerResponse& response) {
    if (Status removed = dataKeys_->remove(request.param("id")); !removed) {
        sendStatus(response, forCaller(removed));
        return;
    }
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    response.send();
}

}  // namespace kiod::crypto
