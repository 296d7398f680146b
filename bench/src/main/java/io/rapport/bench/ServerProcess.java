package io.rapport.bench;

import com.sun.tools.attach.VirtualMachine;
import io.rapport.engine.Main;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The server under test in a JVM of its own, started the way it is deployed ({@code rapport
 * --config FILE} with the deploy unit's heap and pause goal): the load generator's allocation
 * then neither triggers the server's collections nor shares its heap. Its compiler and memory are
 * read over JMX (the attach API starts the local agent), so warm-up and heap figures are the
 * server's own.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration START = Duration.ofMinutes(2);
  /** The line the server logs once its HTTP port is open (Server.start). */
  private static final Pattern LISTENING = Pattern.compile("Rapport listening on port (\\d+)");

  private final Process process;
  private final int port;
  private final JMXConnector jmx;
  private final MBeanServerConnection beans;

  private ServerProcess(Process process, int port, JMXConnector jmx) throws IOException {
    this.process = process;
    this.port = port;
    this.jmx = jmx;
    this.beans = jmx.getMBeanServerConnection();
  }

  /**
   * Starts {@code java <javaOptions> -cp <this classpath> io.rapport.engine.Main --config FILE}
   * with {@code settings} and waits until /health/ready says UP. Its output goes to
   * {@code dir/server.log}. The server takes a free port itself and the port is read from its log:
   * a port found free here could be taken by another process before the server bound it.
   */
  static ServerProcess start(Map<String, String> settings, List<String> javaOptions, Path dir) throws Exception {
    Properties config = new Properties();
    config.putAll(settings);
    config.put("http.port", "0");
    Path file = dir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      config.store(w, "rapport-bench");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", file.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    // a RAPPORT_* variable of this shell would override the run's settings
    builder.environment().keySet().removeIf(k -> k.startsWith("RAPPORT_"));
    Process process = builder.start();
    try {
      long deadline = System.nanoTime() + START.toNanos();
      int port = awaitPort(process, dir.resolve("server.log"), deadline);
      awaitReady(process, port, dir.resolve("server.log"), deadline);
      VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      return new ServerProcess(process, port, JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** The server JVM's compiler, for the warm-up to wait on. */
  CompilationMXBean compiler() throws IOException {
    return ManagementFactory.newPlatformMXBeanProxy(beans, ManagementFactory.COMPILATION_MXBEAN_NAME, CompilationMXBean.class);
  }

  /** The server JVM's collectors. */
  List<GarbageCollectorMXBean> collectors() throws IOException {
    List<GarbageCollectorMXBean> collectors = new ArrayList<>();
    try {
      for (ObjectName name : beans.queryNames(new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE + ",*"), null)) {
        collectors.add(ManagementFactory.newPlatformMXBeanProxy(beans, name.getCanonicalName(), GarbageCollectorMXBean.class));
      }
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
    return collectors;
  }

  /** The server JVM's memory. */
  MemoryMXBean memory() throws IOException {
    return ManagementFactory.newPlatformMXBeanProxy(beans, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
  }

  /** The server's heap in use after a full collection, in MiB. */
  long heapUsedMb() throws IOException {
    MemoryMXBean memory = memory();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  /** Stops the server as its service manager would (SIGTERM: it drains, then exits). */
  @Override
  public void close() throws Exception {
    try {
      jmx.close();
    } catch (IOException ignored) {
      // the server is going anyway
    }
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** The port the server says it listens on, once it has said so. */
  private static int awaitPort(Process process, Path log, long deadline) throws Exception {
    while (System.nanoTime() < deadline) {
      exitedYet(process, log);
      Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the server did not open its port within " + START + "; see " + log);
  }

  private static void exitedYet(Process process, Path log) {
    if (!process.isAlive()) {
      throw new IllegalStateException("the server exited with " + process.exitValue() + "; see " + log);
    }
  }

  private static void awaitReady(Process process, int port, Path log, long deadline) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(5)).build();
    while (System.nanoTime() < deadline) {
      exitedYet(process, log);
      try {
        HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the server was not ready within " + START + "; see " + log);
  }
}
