// The SQLite audit log's buffer (store/sqlite/audit_functions.hpp): a write transaction's entries
// reach audit_log at its COMMIT and only for what it kept: a rolled back savepoint, a failed
// statement or a failed COMMIT leaves none; outside a transaction the trigger writes at once;
// the entry carries the fiber's context, and its JSON escapes what it must.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

#include "store/audit_context.hpp"
#include "store/sqlite/write_transaction.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store::sqlite {
namespace {

class AuditBufferTest : public ::testing::Test {
 protected:
  AuditBufferTest() {
    // backend_ has made the schema, audit_log with it; `things` is the test's audited table.
    Connection setup(db_.path);
    setup.exec(
        "CREATE TABLE things (id INTEGER PRIMARY KEY, partner_id INTEGER, name TEXT UNIQUE, "
        "secret TEXT, flag INTEGER, parent INTEGER REFERENCES things (id) DEFERRABLE "
        "INITIALLY DEFERRED)");
    // The shape scripts/gen-audit-triggers writes.
    for (const char* op : {"INSERT", "UPDATE"}) {
      bool insert = op == std::string("INSERT");
      std::string action = insert ? "'thing.create'" : "'thing.update'";
      auto old_value = [&](const char* column) {
        return insert ? std::string("NULL") : "OLD." + std::string(column);
      };
      setup.exec(std::string("CREATE TRIGGER audit_things_") + op + " AFTER " + op +
                 " ON things BEGIN\n"
                 "INSERT INTO audit_log (partner_id, at, actor, address, request_id, action, "
                 "  object, changes)\n"
                 "SELECT NEW.partner_id, unixepoch(), coalesce(audit_context('actor'), 'system'),"
                 "  audit_context('address'), audit_context('request_id'), " +
                 action + ", 'thing/' || NEW.id, changes\n" +
                 "FROM (SELECT audit_record(NEW.partner_id, " + action + ", 'thing/' || NEW.id," +
                 "  'name', " + old_value("name") + ", NEW.name," + "  '!secret', " +
                 old_value("secret") + ", NEW.secret," + "  '?flag', " + old_value("flag") +
                 ", NEW.flag) AS changes LIMIT 1)\n" + "WHERE changes IS NOT NULL;\nEND");
    }
  }

  // "object action" of every entry, in id order, and how many there are.
  std::string entries() {
    Connection reader(db_.path);
    auto& rows = reader.prepared("SELECT object, action FROM audit_log ORDER BY entry_id");
    std::string out;
    while (rows.step()) out += rows.text(0) + " " + rows.text(1) + ";";
    return out;
  }

  std::string column(const char* sql) {
    Connection reader(db_.path);
    auto& rows = reader.prepared(sql);
    EXPECT_TRUE(rows.step()) << sql;
    return rows.is_null(0) ? "NULL" : rows.text(0);
  }

  testing::TempDatabase db_;
  SqliteBackend backend_{db_.path, StoreOptions{.synchronous = Synchronous::group}};
};

TEST_F(AuditBufferTest, AKeptWriteIsLoggedAndARolledBackOneInTheSameBatchIsNot) {
  {
    WriteTransaction outer(backend_);
    outer.db().exec("INSERT INTO things (id, partner_id, name) VALUES (1, 7, 'kept')");
    {
      // A write of the same request and batch, in a savepoint of its own, that is not kept.
      WriteTransaction inner(backend_);
      inner.db().exec("INSERT INTO things (id, partner_id, name) VALUES (2, 7, 'undone')");
      // Until the COMMIT the entries wait in the buffer, not in the table.
      EXPECT_EQ(inner.db().audit().size(), 2u);
    }
    EXPECT_EQ(outer.db().audit().size(), 1u);
    outer.commit();
  }
  EXPECT_EQ(entries(), "thing/1 thing.create;");
  EXPECT_EQ(column("SELECT partner_id FROM audit_log"), "7");
}

TEST_F(AuditBufferTest, AStatementThatFailsHalfwayLeavesNoEntryForTheRowsItUndid) {
  {
    WriteTransaction txn(backend_);
    auto& db = txn.db();
    db.exec("INSERT INTO things (id, partner_id, name) VALUES (1, 7, 'a'), (2, 7, 'b')");
    // Renames row 1 (its trigger records an entry), then row 2 clashes with it: SQLite undoes
    // the statement, and the entry must go with it. The transaction carries on and commits.
    auto& rename = db.prepared("UPDATE things SET name = 'same' WHERE partner_id = 7");
    EXPECT_THROW(rename.run(), UniqueViolation);
    txn.commit();
  }
  EXPECT_EQ(entries(), "thing/1 thing.create;thing/2 thing.create;");
  EXPECT_EQ(column("SELECT group_concat(name) FROM things"), "a,b");
}

TEST_F(AuditBufferTest, ABatchWhoseCommitFailsLeavesNoEntryAndTheNextOneOnlyItsOwn) {
  {
    WriteTransaction txn(backend_);
    txn.db().exec("INSERT INTO things (id, partner_id, name, parent) VALUES (1, 7, 'x', 42)");
    EXPECT_THROW(txn.commit(), SqliteError);  // no parent 42: the deferred key fails the COMMIT
  }
  EXPECT_EQ(entries(), "");
  {
    WriteTransaction txn(backend_);
    txn.db().exec("INSERT INTO things (id, partner_id, name) VALUES (3, 7, 'y')");
    txn.commit();
  }
  EXPECT_EQ(entries(), "thing/3 thing.create;");
}

TEST_F(AuditBufferTest, WithoutATransactionTheTriggerWritesTheEntryItself) {
  Connection plain(db_.path);
  plain.exec("INSERT INTO things (id, partner_id, name) VALUES (5, 7, 'at once')");
  EXPECT_EQ(entries(), "thing/5 thing.create;");
  EXPECT_EQ(column("SELECT actor FROM audit_log"), "system");
}

TEST_F(AuditBufferTest, AnUpdateThatChangesNothingIsNotLogged) {
  {
    WriteTransaction txn(backend_);
    txn.db().exec("INSERT INTO things (id, partner_id, name, flag) VALUES (1, 7, 'a', 1)");
    txn.db().exec("UPDATE things SET name = 'a', flag = 1 WHERE id = 1");
    txn.commit();
  }
  EXPECT_EQ(entries(), "thing/1 thing.create;");
}

TEST_F(AuditBufferTest, TheEntryCarriesTheContextAndItsChangesAreValidJson) {
  const std::string awkward = "quote \" backslash \\ newline \n tab \t bell \x07 é ☃";
  {
    AuditScope scope({"partner", "192.0.2.9", "req-1"});
    WriteTransaction txn(backend_);
    auto& insert = txn.db().prepared(
        "INSERT INTO things (id, partner_id, name, secret, flag) VALUES (1, 7, ?1, 'hunter2', 0)");
    insert.bind(1, awkward).run();
    txn.commit();
  }
  EXPECT_EQ(column("SELECT actor || ' ' || address || ' ' || request_id FROM audit_log"),
            "partner 192.0.2.9 req-1");
  auto changes = boost::json::parse(column("SELECT changes FROM audit_log")).as_object();
  EXPECT_EQ(changes.at("name").at("before"), nullptr);
  EXPECT_EQ(changes.at("name").at("after").as_string(), awkward);
  EXPECT_EQ(changes.at("secret").at("after").as_string(), "<redacted>");
  EXPECT_EQ(changes.at("flag").at("after"), false);
  EXPECT_EQ(column("SELECT instr(changes, 'hunter2') FROM audit_log"), "0");
}

}  // namespace
}  // namespace accountsd::store::sqlite
