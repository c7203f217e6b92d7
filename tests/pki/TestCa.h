#pragma once

#include <memory>
#include <string>
#include <vector>

namespace kiod::test {

// A certificate authority made for one test: an EC P-256 key and a
// self-signed CA certificate in DIR/NAME-ca.crt, issuing client
// certificates with any subject, as kube-apiserver's CA and front-proxy CA
// issue them to users and to kube-apiserver itself.
class TestCa {
public:
    TestCa(const std::string& dir, const std::string& name);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    const std::string& certFile() const { return certFile_; }

    struct Issued {
        std::string certFile;
        std::string keyFile;
    };
    // DIR/FILE.crt and DIR/FILE.key: a client certificate (extended key
    // usage clientAuth) with subject CN=commonName and one O per organization.
    Issued issue(const std::string& file, const std::string& commonName,
                 const std::vector<std::string>& organizations = {}) const;

private:
    std::string dir_;
    std::string certFile_;
    struct Keys;
    std::unique_ptr<Keys> keys_;
};

}  // namespace kiod::test
