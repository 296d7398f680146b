package io.rapport.engine.store;

/** The few places where PostgreSQL and the embedded H2 database need different SQL. */
enum Dialect {
  POSTGRESQL("CAST(? AS jsonb)", " FOR UPDATE SKIP LOCKED", "db/migration/postgresql"),
  H2("?", " FOR UPDATE", "db/migration/h2");

  final String jsonParameter;
  final String lockForClaim;
  final String migrations;

  Dialect(String jsonParameter, String lockForClaim, String migrations) {
    this.jsonParameter = jsonParameter;
    this.lockForClaim = lockForClaim;
    this.migrations = migrations;
  }

  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      return H2;
    }
    throw new IllegalArgumentException("unsupported database URL (use jdbc:postgresql: or jdbc:h2:)");
  }
}
