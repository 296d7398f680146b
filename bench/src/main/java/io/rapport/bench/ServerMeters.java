package io.rapport.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's own Prometheus series at one moment; the difference of two readings tells where a
 * stretch of load spent its time inside the server (HTTP, partitions, commits).
 */
record ServerMeters(Map<String, Double> series) {

  /** Reads {@code /metrics} of the server on {@code port}. */
  static ServerMeters read(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("/metrics answered " + r.statusCode());
    }
    return parse(r.body());
  }

  /** The samples of a Prometheus text exposition, keyed by name and labels as written. */
  static ServerMeters parse(String exposition) {
    Map<String, Double> series = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new ServerMeters(series);
  }

  /** What happened between {@code earlier} and this reading: counters, sums and buckets as differences. */
  ServerMeters since(ServerMeters earlier) {
    Map<String, Double> delta = new HashMap<>();
    series.forEach((k, v) -> delta.put(k, v - earlier.series.getOrDefault(k, 0.0)));
    return new ServerMeters(delta);
  }

  /** Mean of a timer or summary, over its series whose labels contain every one of {@code labels}. */
  double mean(String name, String... labels) {
    double sum = value(name + "_sum", labels);
    double count = value(name + "_count", labels);
    return count == 0 ? Double.NaN : sum / count;
  }

  /**
   * The {@code q} quantile of a histogram, as the upper bound of the bucket it falls in (the
   * buckets are Micrometer's, a few per power of two, so this overstates by up to a third).
   */
  double quantile(String name, double q, String... labels) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    String prefix = name + "_bucket{";
    series.forEach((k, v) -> {
      if (k.startsWith(prefix) && matches(k, labels)) {
        buckets.merge(upperBound(k), v, Double::sum);
      }
    });
    Double all = buckets.get(Double.POSITIVE_INFINITY);
    if (all == null || all == 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (b.getValue() >= q * all) {
        return b.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** A gauge's value, or the sum of its series whose labels contain every one of {@code labels}. */
  double value(String name, String... labels) {
    double total = 0;
    for (Map.Entry<String, Double> e : series.entrySet()) {
      String k = e.getKey();
      if ((k.equals(name) || k.startsWith(name + "{")) && matches(k, labels)) {
        total += e.getValue();
      }
    }
    return total;
  }

  private static boolean matches(String key, String... labels) {
    for (String label : labels) {
      if (!key.contains(label)) {
        return false;
      }
    }
    return true;
  }

  private static double upperBound(String bucket) {
    int at = bucket.indexOf("le=\"") + 4;
    String le = bucket.substring(at, bucket.indexOf('"', at));
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }
}
