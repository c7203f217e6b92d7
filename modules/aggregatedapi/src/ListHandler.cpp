#include "ListHandler.h"

#include "ActionSemantics.h"
#include "ObjectHandler.h"
#include "ObjectJson.h"
#include "PartialObjectMetadata.h"
#include "Selection.h"
#include "TableWriter.h"

#include <Poco/Net/HTTPServerResponse.h>

namespace kiod::aggregatedapi {

namespace {

ApiError listError(const Status& status, const ResourceInfo& resource, bool continued) {
    if (status.code() == StatusCode::kExpired && continued) {
        ApiError error;
        error.code = 410;
        error.reason = "Expired";
        error.message =
            "The provided continue parameter is too old to display a consistent list result. You "
            "can start a new list without the continue parameter.";
        return error;
    }
    if (status.code() == StatusCode::kBadRequest) {
        return ApiError::badRequest(status.message());
    }
    return ApiError::fromStatus(status, resource, "");
}

ApiError invalidListOptions(const std::string& field, const std::string& message) {
    ApiError error;
    error.code = 422;
    error.reason = "Invalid";
    error.message = "ListOptions.meta.k8s.io \"\" is invalid: " + field + ": " + message;
    error.details.group = "meta.k8s.io";
    error.details.kind = "ListOptions";
    error.details.causes.push_back({"FieldValueForbidden", message, field});
    return error;
}

void sendJson(Poco::Net::HTTPServerResponse& response, std::string body) {
    body += '\n';
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("application/json");
    response.sendBuffer(body.data(), body.size());
}

// A {Kind}List of `items` (their JSON), built in one buffer: a page of 500
// is half a megabyte, and every copy of it counts.
std::string objectList(const ResourceInfo& resource, const std::vector<std::string>& items,
                       const std::string& revision, const std::string& continueToken) {
    std::string out = R"({"kind":")" + resource.kind + R"(List","apiVersion":")" +
                      resource.groupVersion() + R"(","metadata":{"resourceVersion":")" + revision +
                      "\"";
    if (!continueToken.empty()) {
        out += R"(,"continue":")" + continueToken + "\"";
    }
    std::size_t size = out.size() + 16;
    for (const auto& item : items) {
        size += item.size() + 1;
    }
    out.reserve(size);
    out += R"(},"items":[)";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += items[i];
    }
    out += "]}";
    return out;
}

}  // namespace

void ListHandler::list(ApiRequest& request) {
    const auto& resource = request.resource;
    auto query = CollectionQuery::of(request, request.format(true));
    if (!query) {
        return;
    }
    const auto& format = query->format;
    const auto& selection = query->selection;
    if (request.route.hasQuery("sendInitialEvents")) {
        invalidListOptions("sendInitialEvents",
                           "Forbidden: sendInitialEvents is forbidden for list")
            .send(request.response);
        return;
    }
    if (request.route.hasQuery("resourceVersionMatch") &&
        request.route.query("resourceVersion").value_or("").empty()) {
        invalidListOptions("resourceVersionMatch",
                           "Forbidden: resourceVersionMatch is forbidden unless resourceVersion "
                           "is provided")
            .send(request.response);
        return;
    }
    // resourceVersion semantics (api-concepts): kiod serves the most recent
    // state, which satisfies unset, "0" and NotOlderThan N; Exact N holds
    // only when N is the current revision, and a continuation carries its
    // own.
    auto rv = request.route.query("resourceVersion").value_or("");
    auto match = request.route.query("resourceVersionMatch").value_or("");
    if (!match.empty() && match != "NotOlderThan" && match != "Exact") {
        invalidListOptions(
            "resourceVersionMatch",
            "Unsupported value: \"" + match + "\": supported values: \"Exact\", \"NotOlderThan\"")
            .send(request.response);
        return;
    }
    if (match == "Exact" && rv == "0") {
        invalidListOptions("resourceVersionMatch",
                           "Forbidden: resourceVersionMatch \"Exact\" is forbidden for "
                           "resourceVersion \"0\"")
            .send(request.response);
        return;
    }
    if (!rv.empty() && rv != "0" && request.route.hasQuery("continue")) {
        ApiError::badRequest("specifying resource version is not allowed when using continue")
            .send(request.response);
        return;
    }
    if (match == "Exact" && rv != std::to_string(request.store->currentRevision())) {
        ApiError error;
        error.code = 410;
        error.reason = "Expired";
        error.message = "The resourceVersion for the provided list is too old.";
        error.send(request.response);
        return;
    }
    auto options = selection.listOptions(resource);
    if (auto limit = request.route.query("limit"); limit && !limit->empty()) {
        try {
            std::size_t used = 0;
            long long value = std::stoll(*limit, &used);
            if (used != limit->size() || value < 0) {
                throw std::invalid_argument(*limit);
            }
            options.limit = static_cast<std::size_t>(value);
        } catch (const std::exception&) {
            ApiError::badRequest("limit: invalid value \"" + *limit +
                                 "\": must be a non-negative integer")
                .send(request.response);
            return;
        }
    }
    options.continueToken = request.route.query("continue").value_or("");

    std::string revision;
    std::string continueToken;
    std::vector<std::string> items;
    if (selection.empty()) {
        revision = std::to_string(request.store->currentRevision());
    } else {
        auto page = request.store->list(options);
        if (!page) {
            listError(page.status(), resource, !options.continueToken.empty())
                .send(request.response);
            return;
        }
        revision = std::to_string(page->revision);
        continueToken = page->continueToken;
        for (auto& item : page->items) {
            if (selection.needsFilter() && !selection.matches(item.json)) {
                continue;
            }
            ObjectJson::removeDetails(item.json, resource.detailsField);
            items.push_back(std::move(item.json));
        }
    }

    switch (format.shape) {
        case ResponseFormat::Shape::kTable: {
            TableWriter table(resource, format.includeObject);
            for (const auto& item : items) {
                table.addRow(item);
            }
            sendJson(request.response, table.finish(revision, continueToken));
            return;
        }
        case ResponseFormat::Shape::kPartialObjectMetadata: {
            std::string joined;
            for (const auto& item : items) {
                joined += (joined.empty() ? "" : ",") + PartialObjectMetadata::of(item);
            }
            sendJson(request.response,
                     PartialObjectMetadata::list(joined, revision, continueToken));
            return;
        }
        case ResponseFormat::Shape::kObject:
            sendJson(request.response, objectList(resource, items, revision, continueToken));
            return;
    }
}

void ListHandler::deleteCollection(ApiRequest& request) {
    const auto& resource = request.resource;
    // The format is negotiated (406 before anything is deleted), though
    // the answer is always the list of what was deleted.
    auto query = CollectionQuery::of(request, request.format(true));
    if (!query) {
        return;
    }
    const auto& selection = query->selection;
    auto deleteOptions = ObjectHandler::deleteOptions(request);
    if (!deleteOptions) {
        deleteOptions.error().send(request.response);
        return;
    }
    // Collect the names first, then delete: deleting while paging would
    // move the pages under the walk.
    std::vector<catalog::StoredObject> matching;
    if (!selection.empty()) {
        auto options = selection.listOptions(resource);
        options.limit = 500;
        do {
            auto page = request.store->list(options);
            if (!page) {
                listError(page.status(), resource, false).send(request.response);
                return;
            }
            for (auto& item : page->items) {
                if (!selection.needsFilter() || selection.matches(item.json)) {
                    matching.push_back(std::move(item));
                }
            }
            options.continueToken = page->continueToken;
        } while (!options.continueToken.empty());
    }
    std::vector<std::string> deleted;
    for (const auto& item : matching) {
        ApiRequest one{request.route,
                       request.response,
                       resource,
                       item.key.ns,
                       item.key.name,
                       "",
                       request.store,
                       request.platformNamespace,
                       request.moduleStorage};
        auto removed =
            ActionSemantics::remove(one, item.key.name, {}, deleteOptions.value().dryRun);
        if (!removed) {
            if (removed.error().code == 404) {
                continue;  // deleted meanwhile by someone else
            }
            removed.error().send(request.response);
            return;
        }
        ObjectJson::removeDetails(removed.value().json, resource.detailsField);
        deleted.push_back(std::move(removed.value().json));
    }
    sendJson(request.response,
             objectList(resource, deleted, std::to_string(request.store->currentRevision()), ""));
}

}  // namespace kiod::aggregatedapi
