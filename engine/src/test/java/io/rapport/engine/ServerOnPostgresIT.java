package io.rapport.engine;

/** The server contract on real PostgreSQL, in a database of its own. */
class ServerOnPostgresIT extends ServerContract {
  private TestDatabase database;

  @Override
  String databaseUrl() throws Exception {
    database = TestDatabase.create();
    return database.url();
  }

  @Override
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }
}
