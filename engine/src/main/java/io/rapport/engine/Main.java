package io.rapport.engine;

import io.rapport.engine.cli.ReplayCommand;
import io.rapport.engine.cli.RulesCommand;
import io.rapport.engine.cli.SimulateCommand;
import io.rapport.engine.config.ConfigException;
import io.rapport.engine.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The rapport command: with no subcommand it runs the server. */
@Command(
    name = "rapport",
    mixinStandardHelpOptions = true,
    description = "Rule-driven customer-journey automation server.",
    subcommands = {Main.Serve.class, RulesCommand.class, ReplayCommand.class, SimulateCommand.class})
public final class Main implements Callable<Integer> {

  @Option(names = "--config", description = "Config file (properties); default $RAPPORT_CONFIG or ./rapport.properties if present.")
  Path config;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return serve(config);
  }

  /** Runs the server until the process is stopped. */
  @Command(name = "serve", description = "Run the server (the default).")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--config", description = "Config file (properties).")
    Path config;

    @Override
    public Integer call() throws Exception {
      return serve(config);
    }
  }

  static Integer serve(Path config) throws Exception {
    Settings settings;
    try {
      settings = Settings.load(System.getenv(), configFile(config));
    } catch (ConfigException e) {
      System.err.println("rapport: configuration: " + e.getMessage());
      return 2;
    }
    Server server = Server.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "rapport-shutdown"));
    stopped.await();
    return 0;
  }

  static Path configFile(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv(Settings.CONFIG_FILE_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path local = Path.of("rapport.properties");
    return Files.isRegularFile(local) ? local : null;
  }
}
