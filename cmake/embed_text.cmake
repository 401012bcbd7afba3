# Writes OUT: a C++ source that defines `std::string_view NAMESPACE::FUNCTION()`, declared in
# HEADER, returning the text of FILE (a data file compiled into the server: CMakeLists.txt,
# embed_text()).
file(READ ${FILE} text)
if(text MATCHES "\\)__text__\"")
  message(FATAL_ERROR "${FILE} holds the raw string's delimiter )__text__\"")
endif()
file(RELATIVE_PATH source ${SOURCE_DIR} ${FILE})
set(body "// Generated from ${source}; do not edit.\n#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\nstd::string_view ${FUNCTION}() {\n  return R\"__text__(${text})__text__\";\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT}.tmp "${body}")
configure_file(${OUT}.tmp ${OUT} COPYONLY)
