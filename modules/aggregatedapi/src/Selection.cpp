#include "Selection.h"

#include "ObjectJson.h"

namespace kiod::aggregatedapi {

ApiResult<Selection> Selection::of(const ApiRequest& request) {
    Selection selection;
    selection.ns_ = request.ns;
    selection.labelSelector_ = request.route.query("labelSelector").value_or("");
    auto fields =
        FieldSelector::parse(request.route.query("fieldSelector").value_or(""), request.resource);
    if (!fields) {
        return ApiError::badRequest(fields.status().message());
    }
    selection.fields_ = std::move(fields).value();
    const auto& ns = selection.fields_.equalTo("metadata.namespace");
    if (!ns.empty()) {
        if (!request.resource.namespaced) {
            selection.empty_ = true;
        } else if (selection.ns_.empty()) {
            selection.ns_ = ns;
        } else if (selection.ns_ != ns) {
            selection.empty_ = true;
        }
    }
    selection.empty_ = selection.empty_ || selection.fields_.impossible();
    for (const auto& requirement : selection.fields_.requirements()) {
        selection.needsFilter_ = selection.needsFilter_ || !requirement.equals;
    }
    return selection;
}

bool Selection::matches(const std::string& json) const {
    if (empty_) {
        return false;
    }
    if (fields_.requirements().empty()) {
        return true;
    }
    auto parsed = ObjectJson::parse(json);
    if (!parsed) {
        return false;
    }
    return fields_.matches(parsed->string({"metadata", "name"}),
                           parsed->string({"metadata", "namespace"}),
                           parsed->string({"status", "state"}));
}

catalog::ListOptions Selection::listOptions(const ResourceInfo& resource) const {
    catalog::ListOptions options;
    options.resource = resource.qualifiedName();
    options.ns = ns_;
    options.labelSelector = labelSelector_;
    options.name = fields_.equalTo("metadata.name");
    options.state = fields_.equalTo("status.state");
    return options;
}

catalog::WatchOptions Selection::watchOptions(const ResourceInfo& resource) const {
    catalog::WatchOptions options;
    options.resource = resource.qualifiedName();
    options.ns = ns_;
    options.labelSelector = labelSelector_;
    options.name = fields_.equalTo("metadata.name");
    return options;
}

std::optional<CollectionQuery> CollectionQuery::of(ApiRequest& request,
                                                   ApiResult<ResponseFormat> format) {
    if (!format) {
        format.error().send(request.response);
        return std::nullopt;
    }
    auto selection = Selection::of(request);
    if (!selection) {
        selection.error().send(request.response);
        return std::nullopt;
    }
    return CollectionQuery{format.value(), selection.value()};
}

}  // namespace kiod::aggregatedapi
