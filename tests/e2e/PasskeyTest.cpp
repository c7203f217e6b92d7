// Passkeys through the real kubectl against the real kiod: added from a
// Secret-like file, listed, the original deleted, kiod restarted with the
// new passphrase alone decrypting what it encrypted before, the last one
// refused, a wrong passphrase changing nothing, and a catalog backup
// unlocking elsewhere.
#include "Base64.h"
#include "HttpClient.h"
#include "KiodProcess.h"
#include "Kubectl.h"
#include "TextContains.h"

#include <Poco/JSON/Parser.h>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>

using namespace kiod::test;

namespace fs = std::filesystem;

namespace {

const std::string kPassphrase = "correct horse";
const std::string kOpsPassphrase = "battery staple";
const std::string kOwner =
    R"({"catalogId": "catalog-1", "scope": "restorepoint/rp1", "purpose": "metadata"})";

std::string passkeyYaml(const std::string& name, const std::string& spec) {
    return "apiVersion: vault.kio.kasten.io/v1alpha1\n"
           "kind: Passkey\n"
           "metadata:\n"
           "  name: " +
           name + "\nspec: " + spec + "\n";
}

std::string secretSpec(const std::string& name) {
    return "{secret: {name: " + name + ", namespace: kasten-io}}";
}

std::string jsonMember(const std::string& json, const std::string& name) {
    return Poco::JSON::Parser()
        .parse(json)
        .extract<Poco::JSON::Object::Ptr>()
        ->getValue<std::string>(name);
}

// The catalog's revision, as kiodctl reads it from the file.
std::string revisionOf(const std::string& catalog) {
    auto inspected = runProgram(KIODCTL_BINARY, {"inspect", catalog});
    BOOST_REQUIRE_MESSAGE(inspected.exitCode == 0, inspected.err);
    auto at = inspected.out.find("revision ");
    BOOST_REQUIRE(at != std::string::npos);
    return inspected.out.substr(at, inspected.out.find('\n', at) - at);
}

// An installation of kiod with the catalog, the crypto module and the
// aggregated API in `dir`: kubectl on the API listener, the crypto service
// and catalog backups on the internal one, passkey sources under
// dir/passkeys, scrypt at 2^10 so that every start and passkey takes a
// millisecond.
class Installation {
public:
    explicit Installation(const TempDir& dir) : dir_(dir) {
        fs::create_directories(dir_.file("passkeys"));
    }

    std::string catalogFile() const { return dir_.file("var/catalog/model-store.db"); }

    // Writes a Secret-like source: passkeys/kasten-io/NAME/passphrase.
    std::string writeSecret(const std::string& name, const std::string& passphrase) const {
        auto relative = "passkeys/kasten-io/" + name + "/passphrase";
        fs::create_directories(fs::path(dir_.file(relative)).parent_path());
        dir_.write(relative, passphrase + "\n");
        return dir_.file(relative);
    }

    // (Re)starts kiod unlocking with the passphrase in `passphraseFile`.
    KiodProcess& start(const std::string& passphraseFile) {
        stop();
        kiod_ = std::make_unique<KiodProcess>(
            dir_,
            baseConfig(dir_, "catalog, crypto, aggregatedapi") +
                "[listener.internal]\naddress = 127.0.0.1:0\nthreads = 4\nauth.open = true\n"
                "[catalog]\nbackup.listener = internal\n"
                "[crypto]\npasskey.scrypt_n = 1024\nlistener = internal\n"
                "passkey.source_dir = " +
                dir_.file("passkeys") + "\npassphrase_file = " + passphraseFile + "\n",
            std::vector<std::string>{"--set", "listener.api.tls.auto=true"});
        kubectl_ = std::make_unique<Kubectl>(dir_, kiod_->url("api"));
        return *kiod_;
    }

    void stop() {
        kubectl_.reset();
        kiod_.reset();
    }

    RunResult kubectl(const std::vector<std::string>& args, const std::string& input = "") const {
        return kubectl_->run(args, input);
    }

    int cryptoReadiness() const { return get(kiod_->url("api"), "/readyz/crypto").status; }

    // The crypto service's `operation` of `input` (base64) for kOwner: the
    // answer's `output`.
    std::string crypto(const std::string& operation, const std::string& input,
                       const std::string& value, const std::string& output) const {
        auto response =
            request(kiod_->url("internal"), "POST", "/crypto/v1/" + operation,
                    R"({"owner": )" + kOwner + R"(, ")" + input + R"(": ")" + value + "\"}",
                    "application/json");
        BOOST_REQUIRE_MESSAGE(response.status == 200, operation << ": " << response.body);
        return jsonMember(response.body, output);
    }
    std::string encrypt(const std::string& plaintext) const {
        return crypto("encrypt", "plaintext", base64(plaintext), "ciphertext");
    }
    // Base64, as base64() writes it.
    std::string decrypt(const std::string& ciphertext) const {
        return crypto("decrypt", "ciphertext", ciphertext, "plaintext");
    }

    KiodProcess& kiod() const { return *kiod_; }

private:
    const TempDir& dir_;
    std::unique_ptr<KiodProcess> kiod_;
    std::unique_ptr<Kubectl> kubectl_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(passkeys)

BOOST_AUTO_TEST_CASE(changing_the_passphrase_is_add_then_delete_and_the_new_one_unlocks) {
    TempDir dir;
    Installation kiod(dir);
    dir.write("passphrase", kPassphrase + "\n");
    kiod.start(dir.file("passphrase"));
    BOOST_TEST_REQUIRE(kiod.cryptoReadiness() == 200);
    auto ciphertext = kiod.encrypt("the data");

    // The first start's passkey, listed from the configuration.
    auto listed = kiod.kubectl({"get", "passkeys"});
    BOOST_TEST_REQUIRE(listed.exitCode == 0, listed.err);
    BOOST_TEST(contains(listed.out, "NAME      VALID\ndefault   true\n"), listed.out);

    auto opsPassphrase = kiod.writeSecret("ops", kOpsPassphrase);
    auto created = kiod.kubectl({"create", "-f", "-"}, passkeyYaml("ops", secretSpec("ops")));
    BOOST_TEST_REQUIRE(created.exitCode == 0, created.err);
    BOOST_TEST(contains(created.out, "passkey.vault.kio.kasten.io/ops created"), created.out);
    listed = kiod.kubectl({"get", "passkeys"});
    BOOST_TEST(contains(listed.out, "NAME      VALID\ndefault   true\nops       true\n"),
               listed.out);
    auto object = kiod.kubectl({"get", "passkey", "ops", "-o", "yaml"});
    BOOST_TEST(contains(object.out, "state: Added to Catalog"), object.out);
    BOOST_TEST(!contains(object.out, kOpsPassphrase), object.out);

    auto deleted = kiod.kubectl({"delete", "passkey", "default"});
    BOOST_TEST_REQUIRE(deleted.exitCode == 0, deleted.err);
    BOOST_TEST(contains(deleted.out, "passkey.vault.kio.kasten.io \"default\" deleted"),
               deleted.out);

    // Restarted with the new passphrase alone, kiod unlocks and decrypts
    // what it encrypted under the old one.
    kiod.start(opsPassphrase);
    BOOST_TEST_REQUIRE(kiod.cryptoReadiness() == 200);
    BOOST_TEST(kiod.decrypt(ciphertext) == base64("the data"));
    listed = kiod.kubectl({"get", "passkeys", "-o", "name"});
    BOOST_TEST(listed.out == "passkey.vault.kio.kasten.io/ops\n", listed.out);
    BOOST_TEST(!contains(kiod.kiod().stderrText(), kOpsPassphrase));

    // The old passphrase no longer unlocks.
    kiod.start(dir.file("passphrase"));
    auto ready = get(kiod.kiod().url("api"), "/readyz/crypto");
    BOOST_TEST(ready.status != 200);
    BOOST_TEST(contains(ready.body, "wrong passkey"), ready.body);
}

BOOST_AUTO_TEST_CASE(deleting_the_last_passkey_is_refused_with_the_reason) {
    TempDir dir;
    Installation kiod(dir);
    dir.write("passphrase", kPassphrase + "\n");
    kiod.start(dir.file("passphrase"));
    // A server-side dry run refuses as the real delete does.
    for (const auto* dryRun : {"--dry-run=server", "--dry-run=none"}) {
        auto refused = kiod.kubectl({"delete", "passkey", "default", dryRun});
        BOOST_TEST(refused.exitCode != 0, dryRun);
        BOOST_TEST(contains(refused.err,
                            "Operation cannot be fulfilled on passkeys.vault.kio.kasten.io "
                            "\"default\": passkey default is the last valid passkey: without it "
                            "the primary key and every key under it would be lost; add another "
                            "passkey first"),
                   refused.err);
    }
    BOOST_TEST(kiod.kubectl({"get", "passkey", "default"}).exitCode == 0);
    kiod.start(dir.file("passphrase"));
    BOOST_TEST(kiod.cryptoReadiness() == 200);
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_leaves_kiod_locked_and_the_catalog_unchanged) {
    TempDir dir;
    Installation kiod(dir);
    dir.write("passphrase", kPassphrase + "\n");
    kiod.start(dir.file("passphrase"));
    kiod.stop();
    auto revision = revisionOf(kiod.catalogFile());

    dir.write("wrong", "not the passphrase\n");
    kiod.writeSecret("ops", kOpsPassphrase);
    kiod.start(dir.file("wrong"));
    BOOST_TEST(kiod.cryptoReadiness() != 200);
    // Which passkeys would unlock it can be seen; none can change.
    auto listed = kiod.kubectl({"get", "passkeys", "-o", "name"});
    BOOST_TEST(listed.out == "passkey.vault.kio.kasten.io/default\n", listed.out);
    auto created = kiod.kubectl({"create", "-f", "-"}, passkeyYaml("ops", secretSpec("ops")));
    BOOST_TEST(created.exitCode != 0);
    BOOST_TEST(contains(created.err, "the server is currently unable to handle the request"),
               created.err);
    BOOST_TEST(kiod.kubectl({"delete", "passkey", "default"}).exitCode != 0);
    kiod.stop();
    BOOST_TEST(revisionOf(kiod.catalogFile()) == revision);
}

BOOST_AUTO_TEST_CASE(a_catalog_backup_restored_elsewhere_unlocks_with_a_passphrase_alone) {
    TempDir dir;
    Installation original(dir);
    dir.write("passphrase", kPassphrase + "\n");
    original.start(dir.file("passphrase"));
    original.writeSecret("ops", kOpsPassphrase);
    auto created = original.kubectl({"create", "-f", "-"}, passkeyYaml("ops", secretSpec("ops")));
    BOOST_TEST_REQUIRE(created.exitCode == 0, created.err);
    auto ciphertext = original.encrypt("backed up");
    auto backup = request(original.kiod().url("internal"), "POST", "/catalog/backups");
    BOOST_TEST_REQUIRE(backup.status == 201, backup.body);
    auto file = jsonMember(backup.body, "file");
    original.stop();

    TempDir elsewhere;
    Installation restored(elsewhere);
    auto put = runProgram(KIODCTL_BINARY, {"restore", file, restored.catalogFile()});
    BOOST_TEST_REQUIRE(put.exitCode == 0, put.err);
    elsewhere.write("passphrase", kOpsPassphrase + "\n");
    restored.start(elsewhere.file("passphrase"));
    BOOST_TEST_REQUIRE(restored.cryptoReadiness() == 200);
    BOOST_TEST(restored.decrypt(ciphertext) == base64("backed up"));
    auto listed = restored.kubectl({"get", "passkeys", "-o", "name"});
    BOOST_TEST(
        listed.out == "passkey.vault.kio.kasten.io/default\npasskey.vault.kio.kasten.io/ops\n",
        listed.out);
}

BOOST_AUTO_TEST_CASE(invalid_passkeys_are_refused_field_by_field_and_the_spec_stays) {
    TempDir dir;
    Installation kiod(dir);
    dir.write("passphrase", kPassphrase + "\n");
    kiod.start(dir.file("passphrase"));
    auto refusal = [&](const std::string& spec) {
        auto created = kiod.kubectl({"create", "-f", "-"}, passkeyYaml("x", spec));
        BOOST_TEST(created.exitCode != 0);
        return created.err;
    };
    auto none = refusal("{}");
    BOOST_TEST(contains(none,
                        "spec: Required value: one of spec.secret (a passphrase) or "
                        "spec.keyFile (a key file)"),
               none);
    auto two = refusal("{secret: {name: a, namespace: b}, keyFile: {name: a, namespace: b}}");
    BOOST_TEST(contains(two, "spec.keyFile: Forbidden"), two);
    auto badNames = refusal("{secret: {name: ../etc, namespace: Kasten}}");
    BOOST_TEST(contains(badNames, "spec.secret.name: Invalid value: \"../etc\""), badNames);
    BOOST_TEST(contains(badNames, "spec.secret.namespace: Invalid value: \"Kasten\""), badNames);
    auto missing = refusal(secretSpec("absent"));
    BOOST_TEST(contains(missing,
                        "spec.secret: cannot read kasten-io/absent/passphrase under "
                        "crypto.passkey.source_dir: No such file or directory"),
               missing);
    auto listed = kiod.kubectl({"get", "passkeys", "-o", "name"});
    BOOST_TEST(listed.out == "passkey.vault.kio.kasten.io/default\n", listed.out);

    // Labels change; the spec does not.
    auto labelled = kiod.kubectl({"label", "passkey", "default", "team=ops"});
    BOOST_TEST(labelled.exitCode == 0, labelled.err);
    auto patched = kiod.kubectl({"patch", "passkey", "default", "--type=merge", "-p",
                                 R"({"spec":{"secret":{"name":"a","namespace":"b"}}})"});
    BOOST_TEST(patched.exitCode != 0);
    BOOST_TEST(contains(patched.err, "field is immutable"), patched.err);
    auto object = kiod.kubectl({"get", "passkey", "default", "-o", "yaml"});
    BOOST_TEST(contains(object.out, "configuration: true"), object.out);
    BOOST_TEST(contains(object.out, "team: ops"), object.out);
}

BOOST_AUTO_TEST_SUITE_END()
