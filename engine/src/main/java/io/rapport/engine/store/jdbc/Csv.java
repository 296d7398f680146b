package io.rapport.engine.store.jdbc;

/** CSV fields as PostgreSQL's COPY reads them: null is an empty field, text is quoted. */
final class Csv {
  private Csv() {}

  static StringBuilder field(StringBuilder out, String value) {
    if (value == null) {
      return out;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '"') {
        out.append('"');
      }
      out.append(ch);
    }
    return out.append('"');
  }
}
