#include "WatchStream.h"

#include "ObjectJson.h"
#include "PartialObjectMetadata.h"
#include "TableWriter.h"

#include <algorithm>

namespace kiod::aggregatedapi {

WatchStream::WatchStream(const ResourceInfo& resource, Selection selection, ResponseFormat format)
    : resource_(resource), selection_(std::move(selection)), format_(format) {}

ApiResult<WatchStream::Start> WatchStream::parseStart(const std::string& resourceVersion) {
    if (resourceVersion.empty() || resourceVersion == "0") {
        return Start{};
    }
    if (resourceVersion.size() > 19 ||
        resourceVersion.find_first_not_of("0123456789") != std::string::npos) {
        return ApiError::badRequest("resourceVersion: invalid value \"" + resourceVersion +
                                    "\": must be an integer");
    }
    return Start{false, std::stoull(resourceVersion)};
}

ApiResult<WatchStream::Opened> WatchStream::open(catalog::ObjectStore& store, Start start) {
    Opened opened;
    if (start.fromNow || tracksMatches()) {
        // The starting state: announced when the watch starts now;
        // otherwise only read to know which objects match the requirements
        // checked here.
        auto options = selection_.listOptions(resource_);
        options.state.clear();  // checked here, so that every transition is seen
        options.limit = 500;
        catalog::Revision listed = store.currentRevision();
        if (!selection_.empty()) {
            do {
                auto page = store.list(options);
                if (!page) {
                    return ApiError::fromStatus(page.status(), resource_, "");
                }
                listed = page->revision;
                for (const auto& item : page->items) {
                    opened.lines += initial(item, start.fromNow);
                }
                options.continueToken = page->continueToken;
            } while (!options.continueToken.empty());
        }
        if (start.fromNow) {
            start.after = listed;
        }
    }
    seen_ = start.after;
    auto options = selection_.watchOptions(resource_);
    options.after = start.after;
    auto watch = store.watch(options);
    if (!watch) {
        opened.lines = error(watch.status().code() == StatusCode::kExpired
                                 ? tooOld()
                                 : ApiError::fromStatus(watch.status(), resource_, ""));
        return opened;
    }
    opened.watch = std::move(watch).value();
    return opened;
}

std::optional<std::string> WatchStream::next(catalog::Watch& watch,
                                             std::chrono::milliseconds timeout, bool& ended) {
    auto event = watch.next(timeout);
    if (!event) {
        ended = true;
        return error(event.status().code() == StatusCode::kExpired
                         ? tooOld()
                         : ApiError::fromStatus(event.status(), resource_, ""));
    }
    if (!event.value()) {
        return std::nullopt;
    }
    seen_ = std::max(seen_, event.value()->object.revision);
    return encode(*event.value());
}

std::string WatchStream::line(const char* type, const std::string& storedJson) {
    auto json = ObjectJson::withoutDetails(storedJson, resource_.detailsField);
    std::string object;
    switch (format_.shape) {
        case ResponseFormat::Shape::kObject:
            object = std::move(json);
            break;
        case ResponseFormat::Shape::kPartialObjectMetadata:
            object = PartialObjectMetadata::of(json);
            break;
        case ResponseFormat::Shape::kTable: {
            TableWriter table(resource_, format_.includeObject);
            table.addRow(json);
            object = table.finish("", "", !columnsSent_);
            columnsSent_ = true;
            break;
        }
    }
    return std::string(R"({"type":")") + type + R"(","object":)" + object + "}\n";
}

std::string WatchStream::initial(const catalog::StoredObject& object, bool announce) {
    if (!selection_.matches(object.json)) {
        return {};
    }
    if (tracksMatches()) {
        matching_.emplace(object.key.ns, object.key.name);
    }
    return announce ? line("ADDED", object.json) : std::string();
}

std::string WatchStream::encode(const catalog::WatchEvent& event) {
    using Type = catalog::WatchEvent::Type;
    const auto& object = event.object;
    if (!tracksMatches()) {
        if (selection_.empty()) {
            return {};
        }
        switch (event.type) {
            case Type::kAdded:
                return line("ADDED", object.json);
            case Type::kModified:
                return line("MODIFIED", object.json);
            case Type::kDeleted:
                return line("DELETED", object.json);
        }
        return {};
    }
    std::pair<std::string, std::string> key{object.key.ns, object.key.name};
    bool known = matching_.count(key) > 0;
    bool matches = selection_.matches(object.json);
    if (event.type == Type::kDeleted) {
        matching_.erase(key);
        return known || matches ? line("DELETED", object.json) : std::string();
    }
    if (matches) {
        matching_.insert(key);
        return line(known ? "MODIFIED" : "ADDED", object.json);
    }
    if (known) {
        matching_.erase(key);
        return line("DELETED", object.json);
    }
    return {};
}

std::string WatchStream::bookmark(catalog::Revision revision) const {
    std::string rv = std::to_string(revision);
    std::string object;
    switch (format_.shape) {
        case ResponseFormat::Shape::kObject:
            object = R"({"kind":")" + resource_.kind + R"(","apiVersion":")" +
                     resource_.groupVersion() + R"(","metadata":{"resourceVersion":")" + rv +
                     "\"}}";
            break;
        case ResponseFormat::Shape::kPartialObjectMetadata:
            object =
                R"({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":")" +
                rv + "\"}}";
            break;
        case ResponseFormat::Shape::kTable:
            object =
                R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":")" +
                rv + R"("},"columnDefinitions":[],"rows":[]})";
            break;
    }
    return R"({"type":"BOOKMARK","object":)" + object + "}\n";
}

std::string WatchStream::error(const ApiError& error) {
    return R"({"type":"ERROR","object":)" + error.json() + "}\n";
}

ApiError WatchStream::tooOld() {
    ApiError error;
    error.code = 410;
    error.reason = "Expired";
    error.message = "The resourceVersion for the provided watch is too old.";
    return error;
}

}  // namespace kiod::aggregatedapi
