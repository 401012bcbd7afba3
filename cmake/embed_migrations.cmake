# Writes OUT: a C++ source that defines accountsd::store::sqlite::migrations() from FILES.
set(body "// Generated from src/store/sqlite/migrations/*.sql; do not edit.\n#include \"store/sqlite/migrations.hpp\"\n\nnamespace accountsd::store::sqlite {\n\nconst std::vector<Migration>& migrations() {\n  static const std::vector<Migration> all = {\n")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" number ${name})
  # Without its leading zeros: C++ reads 008 as a (bad) octal literal.
  string(REGEX REPLACE "^0+([0-9])" "\\1" number ${number})
  file(READ ${f} sql)
  set(body "${body}    {${number}, \"${name}\", R\"__sql__(${sql})__sql__\"},\n")
endforeach()
set(body "${body}  };\n  return all;\n}\n\n}  // namespace accountsd::store::sqlite\n")
file(WRITE ${OUT}.tmp "${body}")
configure_file(${OUT}.tmp ${OUT} COPYONLY)
