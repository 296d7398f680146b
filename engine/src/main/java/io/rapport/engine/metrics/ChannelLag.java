package io.rapport.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@code rapport_channel_lag{channel}}: messages waiting in a broker for a channel of the server, for the
 * channels whose broker keeps such a count (Kafka, RabbitMQ; not MQTT). The brokers are asked on a schedule, one read
 * at a time on a thread of its own, never by a scrape: a scrape shows the latest read, at most about one interval
 * old, and costs the brokers nothing. A broker that cannot be read shows NaN (a stale count would look live) and is
 * warned of once, then again only after it has answered in between.
 */
public final class ChannelLag {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelLag.class);
  public static final String METRIC = "rapport.channel.lag";
  /** The pool of the one thread that talks to the brokers, so that a slow broker holds none of the store's. */
  static final String POOL = "rapport-channel-lag";
  /** How long one broker may take to answer a read; beyond it the read fails and the gauge shows NaN. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  /** How long stopping waits for a read in flight before it closes the clients anyway. */
  private static final Duration STOP_WAIT = READ_TIMEOUT.multipliedBy(4);

  private final Vertx vertx;
  private final Duration interval;
  private final List<Reading> readings;
  private WorkerExecutor worker;
  private volatile long timer = -1;
  private volatile boolean stopped;

  /** One broker's backlog and its latest count, which the gauge shows. */
  private static final class Reading {
    final Backlog backlog;
    volatile double waiting = Double.NaN;
    boolean failing; // only the worker thread reads and writes it

    Reading(Backlog backlog) {
      this.backlog = backlog;
    }
  }

  /**
   * Registers a gauge per backlog, showing NaN until its first read.
   *
   * @param interval time from the end of one read of the brokers to the beginning of the next
   */
  public ChannelLag(Vertx vertx, MeterRegistry registry, Duration interval, List<Backlog> backlogs) {
    this.vertx = vertx;
    this.interval = interval;
    this.readings = backlogs.stream().map(Reading::new).toList();
    for (Reading r : readings) {
      Gauge.builder(METRIC, r, g -> g.waiting)
          .description("Messages waiting in the broker for a channel: Kafka records the channel's group has not "
              + "committed, RabbitMQ messages ready in the channel's queue")
          .tag("channel", r.backlog.channel()).strongReference(true).register(registry);
    }
  }

  /** Reads the brokers now, then every interval. Does nothing when no channel with a broker count is on. */
  public void start() {
    if (readings.isEmpty()) {
      return;
    }
    worker = vertx.createSharedWorkerExecutor(POOL, 1);
    read();
  }

  /** Stops reading and closes the brokers' clients, after the read in flight if there is one. */
  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (worker == null) {
      return;
    }
    // the clients are the worker thread's own: closed there, after any read in flight, so that none reopens them
    try {
      worker.executeBlocking(() -> {
        readings.forEach(r -> r.backlog.close());
        return null;
      }, true).toCompletionStage().toCompletableFuture().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("channel lag: the brokers' clients did not close in time: {}", e.toString());
    } finally {
      worker.close();
    }
  }

  private void read() {
    if (stopped) {
      return;
    }
    worker.executeBlocking(() -> {
      readings.forEach(this::read);
      return null;
    }, true).onComplete(done -> after(interval));
  }

  private void read(Reading r) {
    if (stopped) {
      return; // stop() has the clients closed next: a read now would open them again
    }
    try {
      r.waiting = r.backlog.waiting();
      if (r.failing) {
        LOG.info("channel lag: the {} broker answers again", r.backlog.channel());
        r.failing = false;
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      r.waiting = Double.NaN;
      if (!r.failing && !stopped) {
        LOG.warn("channel lag: cannot read what waits in the {} broker ({}); rapport_channel_lag{channel=\"{}\"} "
            + "is NaN until it answers", r.backlog.channel(), reason(e), r.backlog.channel());
      } else {
        LOG.debug("channel lag: the {} broker still cannot be read", r.backlog.channel(), e);
      }
      r.failing = true;
    }
  }

  /** The cause's own words, without the wrapping of a future. */
  private static String reason(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.toString();
  }

  private void after(Duration wait) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> read());
    if (stopped) { // stop() ran between the check and the timer
      vertx.cancelTimer(timer);
    }
  }
}
