// The module's Poco manifest, compiled into libkiod_aggregatedapi.so only
// (not into the object library), so that tests can link this module's
// objects together with the catalog's, which has its own manifest.
#include "AggregatedApiModule.h"

#include <Poco/ClassLibrary.h>

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(kiod::aggregatedapi::AggregatedApiModule)
POCO_END_MANIFEST
