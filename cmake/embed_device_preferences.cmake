# Writes OUT: a C++ source that defines accountsd::domain::device_preferences_json() from FILE.
file(READ ${FILE} json)
set(body "// Generated from src/domain/device_preferences.json; do not edit.\n#include \"domain/device_preferences.hpp\"\n\nnamespace accountsd::domain {\n\nstd::string_view device_preferences_json() {\n  return R\"__json__(${json})__json__\";\n}\n\n}  // namespace accountsd::domain\n")
file(WRITE ${OUT}.tmp "${body}")
configure_file(${OUT}.tmp ${OUT} COPYONLY)
