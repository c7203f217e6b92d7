#include "ObjectHandler.h"

#include "ActionSemantics.h"
#include "NameGenerator.h"
#include "ObjectJson.h"
#include "Patch.h"
#include "Validation.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <condition_variable>
#include <functional>
#include <mutex>

namespace kiod::aggregatedapi {

namespace {

using catalog::Revision;
using catalog::StoredObject;
using rapidjson::Value;

// Fields of metadata that only the server sets.
const char* const kServerSetMetadata[] = {"uid",          "resourceVersion",   "creationTimestamp",
                                          "generation",   "deletionTimestamp", "selfLink",
                                          "managedFields"};
// The members an object of these kinds may have at top level and in
// metadata; others are unknown fields (fieldValidation=Strict).
const char* const kTopLevel[] = {"apiVersion", "kind", "metadata", "spec", "status"};
const char* const kMetadataFields[] = {"name",
                                       "generateName",
                                       "namespace",
                                       "uid",
                                       "resourceVersion",
                                       "labels",
                                       "annotations",
                                       "generation",
                                       "finalizers",
                                       "creationTimestamp",
                                       "ownerReferences",
                                       "deletionTimestamp",
                                       "deletionGracePeriodSeconds",
                                       "managedFields",
                                       "selfLink"};

template <std::size_t N>
bool oneOf(const char* const (&names)[N], const char* name) {
    for (const char* candidate : names) {
        if (std::string_view(candidate) == name) {
            return true;
        }
    }
    return false;
}

bool isJson(const std::string& contentType) {
    auto type = Poco::toLower(contentType.substr(0, contentType.find(';')));
    Poco::trimInPlace(type);
    return type.empty() || type == "application/json";
}

std::string plainObject(const ApiRequest& request, const std::string& json) {
    return request.subresource == "details"
               ? json
               : ObjectJson::withoutDetails(json, request.resource.detailsField);
}

// The object kiod answers with: stored JSON, details removed unless asked.
void answer(const ApiRequest& request, int code, const std::string& json) {
    auto format = request.format(false);
    if (!format) {
        format.error().send(request.response);
        return;
    }
    request.sendObject(code, plainObject(request, json), format.value());
}

// The answer of a create for a response that cannot be deferred: the
// handler's thread waits for it and writes it.
class WaitedAnswer final : public DeferredResponse {
public:
    void complete(Write write) override {
        {
            std::lock_guard lock(mutex_);
            if (completed_) {
                return;
            }
            completed_ = true;
            write_ = std::move(write);
        }
        written_.notify_all();
    }
    void whenAnswered(std::function<void(int)>) override {}

    void writeTo(Poco::Net::HTTPServerResponse& response) {
        Write write;
        {
            std::unique_lock lock(mutex_);
            written_.wait(lock, [&] { return completed_; });
            // Taken out: the answer holds the create, which holds this.
            write.swap(write_);
        }
        write(response);
    }

private:
    std::mutex mutex_;
    std::condition_variable written_;
    bool completed_ = false;
    Write write_;
};

// A create whose answer waits for the catalog's commit, on no thread.
struct PendingCreate {
    std::shared_ptr<catalog::ObjectStore> store;
    const ResourceInfo& resource;
    std::string ns;
    ObjectJson object;
    bool generatedName;
    ResponseFormat format;
    std::shared_ptr<DeferredResponse> deferred;
    int attemptsLeft = 3;
};

// Stores the object, then answers from the event loop. A generated name
// that is taken is generated again, a few times (as kube-apiserver does
// since 1.30), rather than failing the create.
void storeThenAnswer(const std::shared_ptr<PendingCreate>& create) {
    auto name = create->object.string({"metadata", "name"});
    create->store->createAsync(
        {create->resource.qualifiedName(), create->ns, name}, create->object.serialize(),
        [create, name](Result<catalog::StoredObject> created) {
            if (!created && created.status().code() == StatusCode::kAlreadyExists &&
                create->generatedName && create->attemptsLeft-- > 0) {
                create->object.setString(
                    {"metadata", "name"},
                    NameGenerator::fromPrefix(create->object.string({"metadata", "generateName"})));
                storeThenAnswer(create);
                return;
            }
            create->deferred->complete([create, name, created = std::move(created)](
                                           Poco::Net::HTTPServerResponse& response) {
                const auto& resource = create->resource;
                if (!created) {
                    ApiError::fromStatus(created.status(), resource, name).send(response);
                } else {
                    ApiRequest::sendObject(
                        response, resource, 201,
                        ObjectJson::withoutDetails(created->json, resource.detailsField),
                        create->format);
                }
            });
        });
}

// Checks kind and apiVersion of a body: absent ones are filled in.
std::optional<ApiError> checkType(const ApiRequest& request, ObjectJson& object) {
    const auto& resource = request.resource;
    auto apiVersion = object.string({"apiVersion"});
    auto kind = object.string({"kind"});
    if (const auto* value = object.find({"apiVersion"}); value && !value->IsString()) {
        return ApiError::badRequest("apiVersion must be a string");
    }
    if (!apiVersion.empty() && apiVersion != resource.groupVersion()) {
        return ApiError::badRequest("the API version in the data (" + apiVersion +
                                    ") does not match the expected API version (" +
                                    resource.groupVersion() + ")");
    }
    if (!kind.empty() && kind != resource.kind) {
        return ApiError::badRequest("the kind in the data (" + kind +
                                    ") does not match the expected kind (" + resource.kind + ")");
    }
    object.setString({"apiVersion"}, resource.groupVersion());
    object.setString({"kind"}, resource.kind);
    if (const auto* metadata = object.find({"metadata"});
        metadata && !metadata->IsObject() && !metadata->IsNull()) {
        return ApiError::badRequest("metadata must be an object");
    }
    auto ns = object.string({"metadata", "namespace"});
    if (resource.namespaced && !ns.empty() && ns != request.ns) {
        return ApiError::badRequest(
            "the namespace of the provided object does not match the namespace sent on the "
            "request");
    }
    return std::nullopt;
}

// Fields the kinds do not have, at the levels kiod knows (top level and
// metadata; spec and status are open): fieldValidation=Strict refuses them,
// Warn names them in a Warning header (kubectl prints it); they are then
// dropped, as a typed Kubernetes API drops unknown fields when decoding.
std::optional<ApiError> dropUnknownFields(const ApiRequest& request, ObjectJson& object) {
    std::vector<std::string> topLevel;
    std::vector<std::string> inMetadata;
    for (const auto& member : object.root().GetObject()) {
        if (!oneOf(kTopLevel, member.name.GetString())) {
            topLevel.emplace_back(member.name.GetString());
        }
    }
    if (const auto* metadata = object.find({"metadata"}); metadata && metadata->IsObject()) {
        for (const auto& member : metadata->GetObject()) {
            if (!oneOf(kMetadataFields, member.name.GetString())) {
                inMetadata.emplace_back(member.name.GetString());
            }
        }
    }
    if (topLevel.empty() && inMetadata.empty()) {
        return std::nullopt;
    }
    std::string unknown;
    for (const auto& name : topLevel) {
        unknown += (unknown.empty() ? "" : ", ") + ("unknown field \"" + name + "\"");
    }
    for (const auto& name : inMetadata) {
        unknown += (unknown.empty() ? "" : ", ") + ("unknown field \"metadata." + name + "\"");
    }
    auto mode = request.route.query("fieldValidation").value_or("");
    if (mode == "Strict") {
        return ApiError::badRequest("strict decoding error: " + unknown);
    }
    if (mode == "Warn") {
        std::string quoted;
        for (char c : unknown) {
            quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
        }
        request.response.add("Warning", "299 - \"" + quoted + "\"");
    }
    for (const auto& name : topLevel) {
        object.root().RemoveMember(name.c_str());
    }
    for (const auto& name : inMetadata) {
        object.remove({"metadata", name.c_str()});
    }
    return std::nullopt;
}

ApiResult<ObjectJson> parseBody(const ApiRequest& request) {
    if (!isJson(request.header("Content-Type"))) {
        return ApiError::unsupportedMediaType("application/json");
    }
    auto parsed = ObjectJson::parse(request.body());
    if (!parsed) {
        return ApiError::badRequest(parsed.status().message());
    }
    return std::move(parsed).value();
}

ApiError staleObject(const ApiRequest& request) {
    return ApiError::conflict(request.resource, request.name,
                              "the object has been modified; please apply your changes to the "
                              "latest version and try again");
}

bool sameMember(const ObjectJson& a, const ObjectJson& b, const char* name) {
    const auto* left = a.find({name});
    const auto* right = b.find({name});
    bool leftEmpty = !left || left->IsNull() || (left->IsObject() && left->MemberCount() == 0);
    bool rightEmpty = !right || right->IsNull() || (right->IsObject() && right->MemberCount() == 0);
    if (leftEmpty || rightEmpty) {
        return leftEmpty == rightEmpty;
    }
    return *left == *right;
}

// Builds the object to store from the current one and what the client sent
// (`desired`: the PUT body, or the current object with the patch applied).
// Main resource: labels, annotations, finalizers and ownerReferences from
// `desired`, spec must not change, status stays. Status subresource: only
// status from `desired`.
ApiResult<std::string> merged(const ApiRequest& request, const StoredObject& current,
                              ObjectJson& desired, bool replacing) {
    auto stored = ObjectJson::parse(current.json);
    if (!stored) {
        return ApiError::fromStatus(Status::internal("stored object is not JSON"), request.resource,
                                    request.name);
    }
    auto& result = stored.value();
    if (request.subresource == "status") {
        const auto* status = desired.find({"status"});
        if (status && !status->IsObject() && !status->IsNull()) {
            return ApiError::invalid(
                request.resource, request.name,
                {{"FieldValueInvalid", "Invalid value: must be an object", "status"}});
        }
        // The details subtree is not in what get answers, so a status
        // replaced (PUT) from a get leaves it out: it stays unless named
        // (null removes it). A patch applies to the whole stored object.
        const auto& details = request.resource.detailsField;
        Value kept;
        if (const auto* old = result.find({"status", details.c_str()});
            old && replacing && !details.empty() &&
            !(status && status->IsObject() && status->HasMember(details.c_str()))) {
            kept.CopyFrom(*old, result.allocator());
        }
        if (!status || status->IsNull()) {
            result.remove({"status"});
        } else {
            result.set({"status"}, Value(*status, result.allocator()));
        }
        if (!kept.IsNull()) {
            result.set({"status", details.c_str()}, std::move(kept));
        } else if (!details.empty()) {
            if (auto* written = result.find({"status", details.c_str()});
                written && written->IsNull()) {
                result.remove({"status", details.c_str()});
            }
        }
        return result.serialize();
    }
    if (!sameMember(result, desired, "spec")) {
        return ApiError::invalid(
            request.resource, request.name,
            {{"FieldValueInvalid", "Invalid value: \"object\": field is immutable", "spec"}});
    }
    for (const char* member : {"labels", "annotations", "finalizers", "ownerReferences"}) {
        const auto* value = desired.find({"metadata", member});
        if (!value || value->IsNull()) {
            result.remove({"metadata", member});
        } else {
            result.set({"metadata", member}, Value(*value, result.allocator()));
        }
    }
    auto causes = Validation::metadata(result);
    if (!causes.empty()) {
        return ApiError::invalid(request.resource, request.name, std::move(causes));
    }
    return result.serialize();
}

// The shared path of update and patch: `desiredOf` turns the current object
// into what the client wants; a resourceVersion it carries that differs from
// the current one is a Conflict. Without one, a concurrent change is retried.
void modifyObject(ApiRequest& request, bool replacing,
                  const std::function<ApiResult<ObjectJson>(const StoredObject&)>& desiredOf) {
    auto dryRun = request.dryRun();
    if (!dryRun) {
        dryRun.error().send(request.response);
        return;
    }
    // An unacceptable Accept is refused before anything is written.
    if (auto format = request.format(false); !format) {
        format.error().send(request.response);
        return;
    }
    for (int attempt = 0;; ++attempt) {
        auto current = request.store->get(request.key());
        if (!current) {
            ApiError::fromStatus(current.status(), request.resource, request.name)
                .send(request.response);
            return;
        }
        auto desired = desiredOf(current.value());
        if (!desired) {
            desired.error().send(request.response);
            return;
        }
        auto given = desired.value().string({"metadata", "resourceVersion"});
        if (!given.empty() && given != std::to_string(current->revision)) {
            staleObject(request).send(request.response);
            return;
        }
        auto json = merged(request, current.value(), desired.value(), replacing);
        if (!json) {
            json.error().send(request.response);
            return;
        }
        if (dryRun.value()) {
            answer(request, 200, json.value());
            return;
        }
        auto updated = request.store->update(request.key(), json.value(), current->revision);
        if (updated) {
            answer(request, 200, updated->json);
            return;
        }
        if (updated.status().code() == StatusCode::kConflict) {
            if (!given.empty()) {
                staleObject(request).send(request.response);
                return;
            }
            if (attempt < 4) {
                continue;
            }
        }
        ApiError::fromStatus(updated.status(), request.resource, request.name)
            .send(request.response);
        return;
    }
}

}  // namespace

void ObjectHandler::get(ApiRequest& request) {
    auto format = request.format(false);
    if (!format) {
        format.error().send(request.response);
        return;
    }
    auto found = request.store->get(request.key());
    if (!found) {
        ApiError::fromStatus(found.status(), request.resource, request.name).send(request.response);
        return;
    }
    request.sendObject(200, plainObject(request, found->json), format.value());
}

std::shared_ptr<DeferredResponse> ObjectHandler::create(ApiRequest& request) {
    const auto& resource = request.resource;
    auto dryRun = request.dryRun();
    if (!dryRun) {
        dryRun.error().send(request.response);
        return nullptr;
    }
    auto format = request.format(false);
    if (!format) {
        format.error().send(request.response);
        return nullptr;
    }
    auto parsed = parseBody(request);
    if (!parsed) {
        parsed.error().send(request.response);
        return nullptr;
    }
    auto& object = parsed.value();
    if (auto error = checkType(request, object)) {
        error->send(request.response);
        return nullptr;
    }
    if (auto error = dropUnknownFields(request, object)) {
        error->send(request.response);
        return nullptr;
    }
    for (const char* member : kServerSetMetadata) {
        object.remove({"metadata", member});
    }
    if (resource.namespaced) {
        object.setString({"metadata", "namespace"}, request.ns);
    } else {
        object.remove({"metadata", "namespace"});
    }
    auto name = object.string({"metadata", "name"});
    bool generated = false;
    if (name.empty()) {
        auto prefix = object.string({"metadata", "generateName"});
        if (!prefix.empty()) {
            name = NameGenerator::fromPrefix(prefix);
            object.setString({"metadata", "name"}, name);
            generated = true;
        }
    }
    if (const auto* value = object.find({"metadata", "name"}); value && !value->IsString()) {
        ApiError::invalid(
            resource, "",
            {{"FieldValueInvalid", "Invalid value: must be a string", "metadata.name"}})
            .send(request.response);
        return nullptr;
    }
    auto causes = Validation::forCreate(resource, object, request.platformNamespace);
    if (causes.empty() && request.moduleStorage) {
        causes = request.moduleStorage->validateCreate(request.keyOf(name), object.serialize());
    }
    if (!causes.empty()) {
        ApiError::invalid(resource, name.size() > 253 ? name.substr(0, 253) : name,
                          std::move(causes))
            .send(request.response);
        return nullptr;
    }
    ActionSemantics::prepareCreate(resource, object);
    object.set({"metadata", "generation"}, Value(1));

    if (resource.family == KindFamily::kCancelAction) {
        auto answered = ActionSemantics::cancel(request, object, dryRun.value());
        if (!answered) {
            answered.error().send(request.response);
            return nullptr;
        }
        request.sendObject(201, answered.value(), format.value());
        return nullptr;
    }
    if (resource.family == KindFamily::kRestorePoint) {
        auto created = ActionSemantics::createRestorePoint(request, object, dryRun.value());
        if (!created) {
            created.error().send(request.response);
            return nullptr;
        }
        request.sendObject(201, plainObject(request, created.value().json), format.value());
        return nullptr;
    }
    if (dryRun.value()) {
        // What would be stored, less what only storing fills in
        // (uid, resourceVersion, creationTimestamp).
        auto existing = request.store->get(request.keyOf(name));
        if (existing) {
            ApiError::alreadyExists(resource, name).send(request.response);
            return nullptr;
        }
        request.sendObject(201, plainObject(request, object.serialize()), format.value());
        return nullptr;
    }
    auto deferred = request.route.defer(request.response);
    if (deferred) {
        storeThenAnswer(std::make_shared<PendingCreate>(
            PendingCreate{request.store, resource, request.ns, std::move(object), generated,
                          format.value(), deferred}));
        return deferred;
    }
    // A response that cannot wait (a test's): this thread waits instead.
    auto answer = std::make_shared<WaitedAnswer>();
    storeThenAnswer(std::make_shared<PendingCreate>(
        PendingCreate{request.store, resource, request.ns, std::move(object), generated,
                      format.value(), answer}));
    answer->writeTo(request.response);
    return nullptr;
}

void ObjectHandler::update(ApiRequest& request) {
    auto body = parseBody(request);
    if (!body) {
        body.error().send(request.response);
        return;
    }
    if (auto error = checkType(request, body.value())) {
        error->send(request.response);
        return;
    }
    if (auto error = dropUnknownFields(request, body.value())) {
        error->send(request.response);
        return;
    }
    auto bodyName = body.value().string({"metadata", "name"});
    if (bodyName != request.name) {
        ApiError::badRequest("the name of the object (" + bodyName +
                             ") does not match the name on the URL (" + request.name + ")")
            .send(request.response);
        return;
    }
    auto text = body.value().serialize();
    modifyObject(request, true, [&](const StoredObject&) -> ApiResult<ObjectJson> {
        return ObjectJson::parse(text).value();
    });
}

void ObjectHandler::patch(ApiRequest& request) {
    auto contentType = request.header("Content-Type");
    auto type = Patch::typeFor(contentType);
    if (!type) {
        ApiError::unsupportedMediaType(Patch::acceptedTypes()).send(request.response);
        return;
    }
    auto patchText = request.body();
    modifyObject(request, false, [&](const StoredObject& current) -> ApiResult<ObjectJson> {
        auto parsed = ObjectJson::parse(current.json);
        if (!parsed) {
            return ApiError::fromStatus(Status::internal("stored object is not JSON"),
                                        request.resource, request.name);
        }
        auto& object = parsed.value();
        // The stored resourceVersion stays unless the patch sets one, which
        // then is a precondition.
        auto status = Patch::apply(*type, object.document(), patchText);
        if (!status) {
            return ApiError::badRequest(status.message());
        }
        if (!object.root().IsObject()) {
            return ApiError::badRequest("the patch must leave an object");
        }
        if (auto error = checkType(request, object)) {
            return *error;
        }
        if (object.string({"metadata", "name"}) != request.name) {
            return ApiError::invalid(request.resource, request.name,
                                     {{"FieldValueInvalid",
                                       "Invalid value: \"" + object.string({"metadata", "name"}) +
                                           "\": field is immutable",
                                       "metadata.name"}});
        }
        return std::move(parsed).value();
    });
}

ApiResult<ObjectHandler::DeleteOptions> ObjectHandler::deleteOptions(const ApiRequest& request) {
    DeleteOptions options;
    auto dryRun = request.dryRun();
    if (!dryRun) {
        return dryRun.error();
    }
    options.dryRun = dryRun.value();
    auto body = request.body();
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return options;
    }
    auto parsed = ObjectJson::parse(body);
    if (!parsed) {
        return ApiError::badRequest(parsed.status().message());
    }
    const auto& object = parsed.value();
    auto kind = object.string({"kind"});
    if (!kind.empty() && kind != "DeleteOptions") {
        return ApiError::badRequest("the kind in the data (" + kind +
                                    ") does not match the expected kind (DeleteOptions)");
    }
    options.preconditions.uid = object.string({"preconditions", "uid"});
    auto revision = object.string({"preconditions", "resourceVersion"});
    if (!revision.empty()) {
        try {
            std::size_t used = 0;
            options.preconditions.revision = std::stoull(revision, &used);
            if (used != revision.size()) {
                throw std::invalid_argument(revision);
            }
        } catch (const std::exception&) {
            // No object ever had it: the precondition cannot hold.
            options.preconditions.revision = ~Revision{0};
        }
    }
    if (const auto* values = object.find({"dryRun"}); values && values->IsArray()) {
        for (const auto& value : values->GetArray()) {
            if (!value.IsString() || std::string_view(value.GetString()) != "All") {
                ApiError error;
                error.code = 422;
                error.reason = "Invalid";
                error.message = "dryRun: Unsupported value: supported values: \"All\"";
                return error;
            }
            options.dryRun = true;
        }
    }
    if (const auto* policy = object.find({"propagationPolicy"}); policy && !policy->IsNull()) {
        std::string value = policy->IsString() ? policy->GetString() : "";
        if (value != "Orphan" && value != "Background" && value != "Foreground") {
            ApiError error;
            error.code = 422;
            error.reason = "Invalid";
            error.message = "propagationPolicy: Unsupported value: \"" + value +
                            "\": supported values: \"Foreground\", \"Background\", \"Orphan\"";
            error.details.kind = "DeleteOptions";
            error.details.group = "meta.k8s.io";
            error.details.causes.push_back(
                {"FieldValueNotSupported", error.message, "propagationPolicy"});
            return error;
        }
    }
    return options;
}

void ObjectHandler::remove(ApiRequest& request) {
    if (auto format = request.format(false); !format) {
        format.error().send(request.response);
        return;
    }
    auto options = deleteOptions(request);
    if (!options) {
        options.error().send(request.response);
        return;
    }
    auto removed = ActionSemantics::remove(request, request.name, options.value().preconditions,
                                           options.value().dryRun);
    if (!removed) {
        removed.error().send(request.response);
        return;
    }
    answer(request, 200, removed.value().json);
}

}  // namespace kiod::aggregatedapi
