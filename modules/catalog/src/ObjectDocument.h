#pragma once

#include <kiod/Status.h>
#include <kiod/catalog/ObjectStore.h>

#include <cstdint>
#include <map>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace kiod::catalog {

// An object on its way into the store: parsed and validated once on the
// caller's thread, where the indexed fields are read out; completed with the
// server-set metadata and serialized on the writer's thread, which alone
// knows the revision.
class ObjectDocument {
public:
    // Invalid, with the field named, for anything but a JSON object whose
    // metadata agrees with `key` and whose labels are strings.
    static Result<ObjectDocument> parse(const ObjectKey& key, const std::string& json);

    // The labels of a stored object's JSON (for watch replay).
    static std::map<std::string, std::string> labelsOf(std::string_view json);

    // A stored object's JSON with metadata.resourceVersion set to
    // `revision`: how a deleted object goes out in its DELETED event.
    static std::string withRevision(std::string_view json, Revision revision);

    const std::map<std::string, std::string>& labels() const { return labels_; }
    const std::optional<std::string>& state() const { return state_; }
    const std::optional<std::int64_t>& expiresAt() const { return expiresAt_; }
    // metadata.uid as the caller gave it; empty when absent.
    const std::string& uid() const { return uid_; }

    // Sets metadata.uid, creationTimestamp (Unix seconds), resourceVersion
    // and, when absent, generation; returns the JSON to store.
    std::string complete(const std::string& uid, std::int64_t createdAt, Revision revision);

private:
    ObjectDocument() = default;

    rapidjson::Document document_;
    std::map<std::string, std::string> labels_;
    std::optional<std::string> state_;
    std::optional<std::int64_t> expiresAt_;
    std::string uid_;
};

}  // namespace kiod::catalog
