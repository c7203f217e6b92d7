// A shared library named like a module but without a Poco manifest: the
// loader must refuse it with a clear message.
extern "C" int kiodTestNoManifest() {
    return 42;
}
