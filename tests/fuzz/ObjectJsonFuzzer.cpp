// libFuzzer target: what decodes an object's JSON from a request: the
// aggregated API's ObjectJson (then a merge and a JSON patch of the input
// onto a stored object) and the catalog's ObjectDocument.
#include "ObjectDocument.h"
#include "ObjectJson.h"
#include "Patch.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const char* const kStored =
    R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction",)"
    R"("metadata":{"name":"a","namespace":"ns","labels":{"x":"y"}},)"
    R"("spec":{"subject":{"name":"db"}},"status":{"state":"Pending"}})";

void patch(kiod::aggregatedapi::PatchType type, std::string_view text) {
    auto target = kiod::aggregatedapi::ObjectJson::parse(kStored);
    if (kiod::aggregatedapi::Patch::apply(type, target.value().document(), text)) {
        target.value().serialize();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string json(reinterpret_cast<const char*>(data), size);
    if (auto object = kiod::aggregatedapi::ObjectJson::parse(json)) {
        object.value().labels();
        object.value().string({"metadata", "name"});
        object.value().serialize();
    }
    patch(kiod::aggregatedapi::PatchType::kMerge, json);
    patch(kiod::aggregatedapi::PatchType::kJson, json);

    kiod::catalog::ObjectKey key{"backupactions.actions.kio.kasten.io", "ns", "a"};
    if (auto document = kiod::catalog::ObjectDocument::parse(key, json)) {
        auto stored = document.value().complete("uid", 1, 7);
        kiod::catalog::ObjectDocument::labelsOf(stored);
        kiod::catalog::ObjectDocument::withRevision(stored, 8);
    }
    return 0;
}
