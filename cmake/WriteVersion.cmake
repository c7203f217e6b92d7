# Writes Version.h from Version.h.in with the current git revision. Run at
# every build (not only at configure time), so that kiod_build_info and
# --version name the commit the binary was built from; configure_file leaves
# the file alone when nothing changed, so nothing is recompiled then.
#   cmake -DSOURCE_DIR=... -DINPUT=... -DOUTPUT=... -DPROJECT_VERSION=... -P WriteVersion.cmake
execute_process(
    COMMAND git rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${SOURCE_DIR}
    OUTPUT_VARIABLE KIOD_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT KIOD_REVISION)
    set(KIOD_REVISION "unknown")
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
