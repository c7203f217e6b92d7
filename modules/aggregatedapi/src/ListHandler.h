#pragma once

#include "ApiRequest.h"

namespace kiod::aggregatedapi {

// list and deletecollection: {Kind}List (items never null), Table or
// PartialObjectMetadataList; limit/continue over the store's keyset pages
// (one consistent resourceVersion for all pages of a list); label and field
// selectors.
class ListHandler {
public:
    static void list(ApiRequest& request);
    static void deleteCollection(ApiRequest& request);
};

}  // namespace kiod::aggregatedapi
