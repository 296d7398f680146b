package io.rapport.engine;

/** The server contract on the embedded default: H2 files under the data directory. */
class ServerOnH2IT extends ServerContract {
  @Override
  String databaseUrl() {
    return "";
  }
}
