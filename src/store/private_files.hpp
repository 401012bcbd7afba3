// The database's files and folders, readable by the server's user only (A.11): they hold
// password hashes and personal data.
#pragma once

#include <filesystem>

namespace accountsd::store {

// Creates the folders of `folder` that are missing, each 0700 whatever the umask. Folders that
// already exist are left as they are: they may be shared (/var/lib), and the files are private.
void create_private_folders(const std::filesystem::path& folder);

// Before SQLite opens the database at `path`: creates it 0600 if it is missing (SQLite would make
// it 0644 less the umask, and it gives its -wal, -shm and -journal files the database file's
// mode), or tightens an existing one and those companion files to their owner's bits alone,
// logging each change.
void prepare_private_database(const std::filesystem::path& path);

}  // namespace accountsd::store
