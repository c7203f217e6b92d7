#pragma once

#include <string>
#include <string_view>

namespace kiod {

// What a request asks to do, in the terms of Kubernetes authorization: the
// RequestInfo kube-apiserver derives from the URL alone
// (apiserver/pkg/endpoints/request/requestinfo.go), so that rules and
// SubjectAccessReviews mean the same as they do there.
//
// Resource requests are /apis/{group}/{version}/... and /api/{version}/...
// (the core group, ""), optionally under namespaces/{namespace}/, then
// {resource}[/{name}[/{subresource}]]. Their verb: GET and HEAD get (list
// without a name, watch with ?watch=true), POST create, PUT update, PATCH
// patch, DELETE delete (deletecollection without a name). A list or watch
// whose fieldSelector pins metadata.name has that name. Everything else
// (/apis, /apis/{group}, /version, /healthz, /metrics, /crypto/v1/...) is a
// non-resource request whose verb is the HTTP method in lower case.
struct RequestAttributes {
    bool resourceRequest = false;
    std::string verb;
    std::string path;  // without the query
    std::string apiGroup;
    std::string apiVersion;
    std::string namespaceName;
    std::string resource;
    std::string subresource;
    std::string name;

    static RequestAttributes parse(std::string_view method, std::string_view path,
                                   std::string_view query);

    // `backupactions/status` for rules, or `backupactions`.
    std::string resourceAndSubresource() const {
        return subresource.empty() ? resource : resource + "/" + subresource;
    }
};

}  // namespace kiod
