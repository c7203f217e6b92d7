#pragma once

#include <kiod/Status.h>

#include <optional>
#include <rapidjson/document.h>
#include <string_view>

namespace kiod::aggregatedapi {

// The patch types PATCH accepts, from the request's Content-Type.
//
// Strategic merge patch is applied as a JSON merge patch: the kinds here
// carry no patch strategies (no list merged by key), and for maps a strategic
// merge patch and a merge patch are the same document, which is what kubectl
// label, annotate and `patch` with its default type send. Lists are replaced
// whole, as a merge patch does. Server-side apply is not offered (415).
enum class PatchType { kMerge, kJson, kStrategicMerge };

class Patch {
public:
    // nullopt for a media type that is not a patch type kiod applies.
    static std::optional<PatchType> typeFor(std::string_view contentType);
    // The Content-Types that typeFor accepts, for 415 messages.
    static const char* acceptedTypes();

    // Applies `patch` (the request body) to `target` in place. BadRequest
    // for a malformed patch; for JSON patch also for a path that does not
    // exist or a failing `test`.
    static Status apply(PatchType type, rapidjson::Document& target, std::string_view patch);

    // RFC 7386 merge of `patch` into `target` (null deletes).
    static void merge(rapidjson::Value& target, const rapidjson::Value& patch,
                      rapidjson::Document::AllocatorType& allocator);
    // RFC 6902.
    static Status applyJsonPatch(rapidjson::Document& target, const rapidjson::Value& operations);
};

}  // namespace kiod::aggregatedapi
