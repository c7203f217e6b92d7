// The passkeys as the aggregated API stores them, on a real catalog file:
// created from Secret-like files, listed for the first start's passkey,
// deleted, the last one kept, and what unlocks the keyring at each restart.
#include "CatalogFile.h"
#include "CryptoTestSupport.h"
#include "KeyManager.h"
#include "PasskeyRecord.h"
#include "PasskeyStorage.h"
#include "PasskeyTestSupport.h"
#include "TextContains.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using kiod::test::contains;

namespace fs = std::filesystem;

namespace kiod::crypto::test {
namespace {

const std::string kPassphrase = "correct horse";
const std::string kOtherPassphrase = "battery staple";

// Everything the storage and the keyring log, to check that no secret is.
class CapturingChannel final : public Poco::Channel {
public:
    void log(const Poco::Message& message) override { text += message.getText() + "\n"; }
    std::string text;
};

std::string secretSpec(const std::string& ns, const std::string& name) {
    return R"({"secret":{"name":")" + name + R"(","namespace":")" + ns + R"("}})";
}

std::string passkeyObject(const std::string& name, const std::string& spec) {
    return R"({"apiVersion":"vault.kio.kasten.io/v1alpha1","kind":"Passkey","metadata":{"name":")" +
           name + R"("},"spec":)" + spec + "}";
}

catalog::ObjectKey passkeyKey(const std::string& name) {
    return {PasskeyStorage::kResource, "", name};
}

// What the crypto module does with a catalog at each start of kiod: unlock
// with the configured passkey, list the passkeys that have no object, and
// serve the passkeys, reading their sources under `sourceDir`.
class PasskeyCatalog {
public:
    PasskeyCatalog() : logger_(Poco::Logger::get("passkey-storage-test")) {
        channel_ = new CapturingChannel;
        logger_.setChannel(channel_);
        logger_.setLevel(Poco::Message::PRIO_DEBUG);
        fs::create_directories(sources());
    }
    ~PasskeyCatalog() { stop(); }

    std::string sources() const { return catalog.dir() + "/sources"; }

    // Writes `content` as SOURCES/`relative`, directories and all.
    void writeSource(const std::string& relative, const std::string& content) const {
        auto path = fs::path(sources()) / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << content;
    }

    // A start of kiod configured with `passkey`: whether it unlocked.
    Status start(const Passkey& passkey) {
        stop();
        auto& store = catalog.open();
        // The catalog file owns the store; the storage only borrows it.
        objects = std::shared_ptr<catalog::ObjectStore>(&store, [](catalog::ObjectStore*) {});
        keys = std::make_shared<KeyManager>(store, store.wrappedKeys(), kFastScrypt,
                                            RewrapSettings{}, logger_, [](const std::string&) {});
        auto unlocked = keys->unlock(passkey);
        storage = std::make_shared<PasskeyStorage>(objects, keys, PasskeySourceDirectory(sourceDir),
                                                   kFastScrypt, logger_);
        if (unlocked) {
            auto listed = storage->addMissingObjects();
            BOOST_REQUIRE_MESSAGE(listed.isOk(), listed.message());
        }
        return unlocked;
    }
    Status start(const std::string& passphraseText) { return start(passphrase(passphraseText)); }

    void stop() {
        storage.reset();
        if (keys) {
            keys->stop();
            keys.reset();
        }
        objects.reset();
        catalog.close();
    }

    Result<catalog::StoredObject> create(const std::string& name, const std::string& spec) {
        return storage->create(passkeyKey(name), passkeyObject(name, spec));
    }

    std::vector<std::string> names() {
        auto names = keys->passkeyNames();
        BOOST_REQUIRE_MESSAGE(names.isOk(), names.status().message());
        return names.value();
    }

    std::vector<std::string> objectNames() {
        catalog::ListOptions options;
        options.resource = PasskeyStorage::kResource;
        auto listed = storage->list(options);
        BOOST_REQUIRE_MESSAGE(listed.isOk(), listed.status().message());
        std::vector<std::string> names;
        for (const auto& object : listed->items) {
            names.push_back(object.key.name);
        }
        return names;
    }

    const std::string& logged() const { return channel_->text; }

    CatalogFile catalog;
    std::string sourceDir = sources();
    std::shared_ptr<catalog::ObjectStore> objects;
    std::shared_ptr<KeyManager> keys;
    std::shared_ptr<PasskeyStorage> storage;

private:
    Poco::Logger& logger_;
    Poco::AutoPtr<CapturingChannel> channel_;
};

// A catalog whose first start, with kPassphrase, is done.
struct Started : PasskeyCatalog {
    Started() { BOOST_REQUIRE(start(kPassphrase).isOk()); }
};

bool causeNamed(const std::vector<StatusCause>& causes, const std::string& reason,
                const std::string& field) {
    for (const auto& cause : causes) {
        if (cause.reason == reason && cause.field == field) {
            return true;
        }
    }
    return false;
}

void isInvalid(const Result<catalog::StoredObject>& refused, const std::string& message) {
    BOOST_TEST((refused.status().code() == StatusCode::kInvalid));
    BOOST_TEST(refused.status().message() == message, refused.status().message());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(passkey_storage)

BOOST_FIXTURE_TEST_CASE(the_first_start_passkey_is_listed_as_the_configuration_one, Started) {
    auto object = storage->get(passkeyKey(KeyringStore::kFirstPasskeyName));
    BOOST_REQUIRE_MESSAGE(object.isOk(), object.status().message());
    BOOST_TEST(contains(object->json, R"("spec":{"configuration":true})"), object->json);
    BOOST_TEST(contains(object->json, R"("status":{"valid":true,"state":"Added to Catalog"})"),
               object->json);

    // Listed once: a later start finds it and writes nothing.
    auto revision = objects->currentRevision();
    BOOST_REQUIRE(start(kPassphrase).isOk());
    BOOST_TEST(objects->currentRevision() == revision);
    BOOST_TEST(objectNames() == std::vector<std::string>{"default"});
}

BOOST_FIXTURE_TEST_CASE(a_passkey_from_a_secret_unlocks_after_a_restart_as_the_first_does,
                        Started) {
    writeSource("kasten-io/ops-passphrase/passphrase", kOtherPassphrase + "\n");
    auto created = create("ops", secretSpec("kasten-io", "ops-passphrase"));
    BOOST_REQUIRE_MESSAGE(created.isOk(), created.status().message());
    BOOST_TEST(contains(created->json,
                        R"("spec":{"secret":{"name":"ops-passphrase","namespace":"kasten-io"}})"),
               created->json);
    BOOST_TEST(contains(created->json, R"("status":{"valid":true,"state":"Added to Catalog"})"),
               created->json);
    BOOST_TEST(!contains(created->json, kOtherPassphrase));
    BOOST_TEST((names() == std::vector<std::string>{"default", "ops"}));
    BOOST_TEST((objectNames() == std::vector<std::string>{"default", "ops"}));

    // The trailing newline is dropped as the start-up passphrase file's is.
    BOOST_TEST(start(kOtherPassphrase).isOk());
    BOOST_TEST(start(kPassphrase).isOk());
    BOOST_TEST(contains(logged(), "passkey ops added from spec.secret"), logged());
    BOOST_TEST(!contains(logged(), kOtherPassphrase), logged());
    BOOST_TEST(!contains(logged(), kPassphrase), logged());
}

BOOST_FIXTURE_TEST_CASE(a_passkey_from_a_key_file_unlocks_after_a_restart, Started) {
    auto key = patternBytes(Passkey::kKeyFileSize, 9);
    writeSource("kasten-io/dr-key/key", std::string(key.begin(), key.end()));
    auto created = create("dr", R"({"keyFile":{"name":"dr-key","namespace":"kasten-io"}})");
    BOOST_REQUIRE_MESSAGE(created.isOk(), created.status().message());
    BOOST_TEST(
        contains(created->json, R"("spec":{"keyFile":{"name":"dr-key","namespace":"kasten-io"}})"),
        created->json);
    BOOST_TEST(start(keyFile(9)).isOk());
}

BOOST_FIXTURE_TEST_CASE(a_secret_volume_is_read_through_its_links, Started) {
    // Kubernetes mounts a Secret as KEY -> ..data/KEY, ..data -> ..TIMESTAMP.
    writeSource("kasten-io/ops/..2026_11_25/passphrase", kOtherPassphrase);
    fs::create_directory_symlink("..2026_11_25", sources() + "/kasten-io/ops/..data");
    fs::create_symlink("..data/passphrase", sources() + "/kasten-io/ops/passphrase");
    auto created = create("ops", secretSpec("kasten-io", "ops"));
    BOOST_REQUIRE_MESSAGE(created.isOk(), created.status().message());
    BOOST_TEST(start(kOtherPassphrase).isOk());
}

BOOST_FIXTURE_TEST_CASE(deleting_a_passkey_takes_it_out_of_the_keyring, Started) {
    writeSource("kasten-io/ops/passphrase", kOtherPassphrase);
    BOOST_REQUIRE(create("ops", secretSpec("kasten-io", "ops")).isOk());
    auto removed = storage->remove(passkeyKey("default"), {});
    BOOST_REQUIRE_MESSAGE(removed.isOk(), removed.status().message());
    BOOST_TEST(removed->key.name == "default");
    BOOST_TEST(names() == std::vector<std::string>{"ops"});
    BOOST_TEST(objectNames() == std::vector<std::string>{"ops"});
    BOOST_TEST((storage->get(passkeyKey("default")).status().code() == StatusCode::kNotFound));

    BOOST_TEST(isWrongPasskey(start(kPassphrase)));
    BOOST_TEST(start(kOtherPassphrase).isOk());
    BOOST_TEST(objectNames() == std::vector<std::string>{"ops"}, "nothing listed again");
}

BOOST_FIXTURE_TEST_CASE(the_last_passkey_is_refused_and_stays, Started) {
    auto revision = objects->currentRevision();
    auto refused = storage->remove(passkeyKey("default"), {});
    BOOST_TEST((refused.status().code() == StatusCode::kConflict));
    BOOST_TEST(contains(refused.status().message(), "is the last valid passkey"),
               refused.status().message());
    BOOST_TEST(contains(refused.status().message(), "add another passkey first"),
               refused.status().message());
    BOOST_TEST(objects->currentRevision() == revision);
    BOOST_TEST(storage->get(passkeyKey("default")).isOk());
    BOOST_TEST(start(kPassphrase).isOk());
}

BOOST_FIXTURE_TEST_CASE(a_delete_whose_precondition_fails_keeps_the_passkey, Started) {
    writeSource("kasten-io/ops/passphrase", kOtherPassphrase);
    BOOST_REQUIRE(create("ops", secretSpec("kasten-io", "ops")).isOk());
    auto refused = storage->remove(passkeyKey("ops"), {.uid = "not-its-uid"});
    BOOST_TEST((refused.status().code() == StatusCode::kConflict));
    BOOST_TEST(contains(refused.status().message(), "Precondition failed"),
               refused.status().message());
    BOOST_TEST((names() == std::vector<std::string>{"default", "ops"}));
    BOOST_TEST(start(kOtherPassphrase).isOk());
}

BOOST_FIXTURE_TEST_CASE(a_wrong_passphrase_leaves_passkeys_readable_and_the_catalog_unchanged,
                        Started) {
    writeSource("kasten-io/ops/passphrase", kOtherPassphrase);
    auto revision = objects->currentRevision();

    auto status = start("not the passphrase");
    BOOST_TEST(isWrongPasskey(status), status.message());
    BOOST_TEST(storage->get(passkeyKey("default")).isOk());
    BOOST_TEST(objectNames() == std::vector<std::string>{"default"});
    auto added = create("ops", secretSpec("kasten-io", "ops"));
    BOOST_TEST((added.status().code() == StatusCode::kUnavailable));
    auto removed = storage->remove(passkeyKey("default"), {});
    BOOST_TEST((removed.status().code() == StatusCode::kUnavailable));
    auto current = storage->get(passkeyKey("default"));
    BOOST_REQUIRE(current.isOk());
    auto updated = storage->update(passkeyKey("default"), current->json, current->revision);
    BOOST_TEST((updated.status().code() == StatusCode::kUnavailable));
    BOOST_TEST(objects->currentRevision() == revision);
    BOOST_TEST(start(kPassphrase).isOk());
}

BOOST_FIXTURE_TEST_CASE(labels_and_annotations_pass_through_to_the_catalog, Started) {
    auto current = storage->get(passkeyKey("default"));
    BOOST_REQUIRE(current.isOk());
    auto json = current->json;
    json.replace(json.find(R"("name":"default")"), 16,
                 R"("name":"default","labels":{"team":"ops"})");
    auto updated = storage->update(passkeyKey("default"), json, current->revision);
    BOOST_REQUIRE_MESSAGE(updated.isOk(), updated.status().message());
    BOOST_TEST(contains(updated->json, R"("labels":{"team":"ops"})"), updated->json);
}

BOOST_FIXTURE_TEST_CASE(a_spec_needs_exactly_one_valid_source, Started) {
    auto causesOf = [&](const std::string& spec) {
        return storage->validateCreate(passkeyKey("x"), passkeyObject("x", spec));
    };
    BOOST_TEST(causeNamed(causesOf("{}"), "FieldValueRequired", "spec"));
    BOOST_TEST(causeNamed(causesOf("null"), "FieldValueRequired", "spec"));
    BOOST_TEST(causeNamed(
        causesOf(
            R"({"secret":{"name":"a","namespace":"b"},"keyFile":{"name":"a","namespace":"b"}})"),
        "FieldValueForbidden", "spec.keyFile"));
    BOOST_TEST(
        causeNamed(causesOf(R"({"configuration":true,"secret":{"name":"a","namespace":"b"}})"),
                   "FieldValueForbidden", "spec.configuration"));
    auto unnamed = causesOf(R"({"secret":{}})");
    BOOST_TEST(unnamed.size() == 2u);
    BOOST_TEST(causeNamed(unnamed, "FieldValueRequired", "spec.secret.name"));
    BOOST_TEST(causeNamed(unnamed, "FieldValueRequired", "spec.secret.namespace"));
    BOOST_TEST(causeNamed(causesOf(R"({"keyFile":"a"})"), "FieldValueInvalid", "spec.keyFile"));
    BOOST_TEST(causesOf(R"({"secret":{"name":"a.b-c","namespace":"kasten-io"}})").empty());

    // create refuses the same, with the first cause, and writes nothing.
    auto revision = objects->currentRevision();
    auto refused = create("x", "{}");
    BOOST_TEST((refused.status().code() == StatusCode::kInvalid));
    BOOST_TEST(refused.status().message().starts_with("spec: Required value"),
               refused.status().message());
    BOOST_TEST(objects->currentRevision() == revision);
}

BOOST_FIXTURE_TEST_CASE(references_that_would_leave_the_source_directory_are_refused, Started) {
    // Names that would climb out, or in anywhere else, are not Kubernetes
    // names.
    for (const auto& [name, ns] :
         std::vector<std::pair<std::string, std::string>>{{"..", "kasten-io"},
                                                          {"../../etc", "kasten-io"},
                                                          {"/etc/shadow", "kasten-io"},
                                                          {"a", ".."},
                                                          {"a", "kasten-io/../.."},
                                                          {"a", "a.b"}}) {
        auto causes =
            storage->validateCreate(passkeyKey("x"), passkeyObject("x", secretSpec(ns, name)));
        BOOST_TEST(causeNamed(causes, "FieldValueInvalid",
                              name == "a" ? "spec.secret.namespace" : "spec.secret.name"),
                   name << " in " << ns);
        BOOST_TEST((create("x", secretSpec(ns, name)).status().code() == StatusCode::kInvalid));
    }
    // A link inside the directory that leads out of it.
    auto outside = catalog.dir() + "/outside";
    fs::create_directories(outside);
    std::ofstream(outside + "/passphrase") << kOtherPassphrase;
    fs::create_directories(sources() + "/kasten-io");
    fs::create_directory_symlink(outside, sources() + "/kasten-io/escape");
    auto escaped = create("x", secretSpec("kasten-io", "escape"));
    isInvalid(escaped,
              "spec.secret: kasten-io/escape/passphrase under crypto.passkey.source_dir "
              "leads outside that directory");
    BOOST_TEST(names() == std::vector<std::string>{"default"});
}

BOOST_FIXTURE_TEST_CASE(a_source_that_cannot_be_used_is_invalid_without_its_content, Started) {
    auto revision = objects->currentRevision();
    auto missing = create("x", secretSpec("kasten-io", "absent"));
    isInvalid(missing,
              "spec.secret: cannot read kasten-io/absent/passphrase under "
              "crypto.passkey.source_dir: No such file or directory");

    writeSource("kasten-io/empty/passphrase", "\n");
    auto empty = create("x", secretSpec("kasten-io", "empty"));
    isInvalid(empty,
              "spec.secret: kasten-io/empty/passphrase under crypto.passkey.source_dir is "
              "empty");

    writeSource("kasten-io/long/key", std::string(33, 'Q'));
    auto wrongSize = create("x", R"({"keyFile":{"name":"long","namespace":"kasten-io"}})");
    BOOST_TEST((wrongSize.status().code() == StatusCode::kInvalid));
    BOOST_TEST(wrongSize.status().message().starts_with("spec.keyFile: kasten-io/long/key under "
                                                        "crypto.passkey.source_dir must hold "
                                                        "exactly 32 bytes"),
               wrongSize.status().message());
    BOOST_TEST(!contains(wrongSize.status().message(), "QQ"));

    // A passphrase is not a key file: the kind comes from the spec.
    writeSource("kasten-io/ops/key", kOtherPassphrase);
    auto notAKey = create("x", R"({"keyFile":{"name":"ops","namespace":"kasten-io"}})");
    BOOST_TEST(!contains(notAKey.status().message(), kOtherPassphrase));
    BOOST_TEST(objects->currentRevision() == revision);
}

BOOST_FIXTURE_TEST_CASE(without_a_source_directory_create_names_the_key, PasskeyCatalog) {
    sourceDir.clear();
    BOOST_REQUIRE(start(kPassphrase).isOk());
    writeSource("kasten-io/ops/passphrase", kOtherPassphrase);
    auto refused = create("ops", secretSpec("kasten-io", "ops"));
    isInvalid(refused,
              "spec.secret: passkeys are read from files under crypto.passkey.source_dir, "
              "which is not set");
}

BOOST_FIXTURE_TEST_CASE(a_taken_name_is_refused_and_the_first_passkey_stays, Started) {
    writeSource("kasten-io/ops/passphrase", kOtherPassphrase);
    auto taken = create("default", secretSpec("kasten-io", "ops"));
    BOOST_TEST((taken.status().code() == StatusCode::kAlreadyExists));
    BOOST_TEST(isWrongPasskey(start(kOtherPassphrase)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace kiod::crypto::test
