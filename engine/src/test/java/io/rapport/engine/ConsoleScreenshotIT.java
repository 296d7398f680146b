package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Takes the console's screenshot for the documentation after a replayed load: the purchases of CDNOW's first
 * {@value #CUSTOMERS} customers (shared/data/cdnow), moved in time so that the data set's last day is yesterday, sent
 * over HTTP in time order. Runs only when asked, with the file to write:
 * {@code mvn -pl engine verify -Dit.test=ConsoleScreenshotIT -Drapport.console.screenshot=../docs/console.png}.
 */
class ConsoleScreenshotIT {
  private static final int CUSTOMERS = 3000;
  private static final LocalDate CDNOW_LAST_DAY = LocalDate.of(1998, 6, 30);

  @Test
  void theConsoleAfterAReplayedLoad() throws Exception {
    String target = System.getProperty("rapport.console.screenshot", "");
    Assumptions.assumeFalse(target.isBlank(), "give -Drapport.console.screenshot=FILE to take the screenshot");
    Path[] installed = HeadlessChromium.installed().orElse(null);
    Assumptions.assumeTrue(installed != null, "chromium and chromium-driver are not installed");
    Path cdnow = Path.of("..", "..", "shared", "data", "cdnow", "CDNOW_master.txt");
    Assumptions.assumeTrue(Files.isReadable(cdnow), "CDNOW data not found at " + cdnow.toAbsolutePath());

    List<JsonObject> purchases = purchases(cdnow);
    try (ManagersServer managers = ManagersServer.start()) {
      for (int from = 0; from < purchases.size(); from += 500) {
        managers.ingest(new JsonArray(new ArrayList<>(purchases.subList(from, Math.min(from + 500,
            purchases.size())))).encode());
      }
      Api reader = managers.as(ManagersServer.READ_KEY);
      // timers of the past fire at once: wait until every customer is counted and the stages stop changing
      JsonObject[] previous = {null};
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(5)).until(() -> {
        JsonObject stages = reader.get("/v1/stats").json().getJsonObject("stages");
        long counted = stages.fieldNames().stream().mapToLong(stages::getLong).sum();
        boolean settled = counted == CUSTOMERS && stages.equals(previous[0]);
        previous[0] = stages;
        return settled;
      });
      managers.server.kpis().refreshNow();
      Path profile = Files.createTempDirectory("rapport-chromium");
      ChromeDriver browser = HeadlessChromium.start(installed, profile, 1400, 1900);
      try {
        browser.get(managers.url() + "/#key=" + ManagersServer.READ_KEY);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
        new Select(browser.findElement(By.id("window"))).selectByValue("365");
        wait.until(b -> b.findElement(By.id("flow-window")).getText().contains("365"));
        Files.write(Path.of(target), browser.getScreenshotAs(OutputType.BYTES));
        // and a customer's timeline, beside it: FILE-customer.png
        browser.findElement(By.id("search-q")).sendKeys("cdnow-00002");
        browser.findElement(By.cssSelector("#search-form button")).click();
        wait.until(b -> !b.findElements(By.cssSelector("#results tr[data-customer-id]")).isEmpty());
        browser.findElement(By.cssSelector("#results tr[data-customer-id]")).click();
        wait.until(b -> !b.findElements(By.cssSelector("#timeline tr[data-kind]")).isEmpty());
        browser.executeScript("document.getElementById('search-form').scrollIntoView()");
        Files.write(Path.of(target.replaceAll("\\.png$", "") + "-customer.png"), browser.getScreenshotAs(OutputType.BYTES));
      } finally {
        browser.quit();
      }
    }
    assertThat(Path.of(target)).exists();
  }

  /** CDNOW's purchases of its first customers, moved so that its last day is yesterday, in time order. */
  private static List<JsonObject> purchases(Path file) throws Exception {
    long shift = ChronoUnit.DAYS.between(CDNOW_LAST_DAY, LocalDate.now(ZoneOffset.UTC).minusDays(1));
    List<JsonObject> purchases = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      String[] f = text.trim().split("\\s+");
      if (f.length < 4 || !f[0].matches("\\d+") || Integer.parseInt(f[0]) > CUSTOMERS) {
        continue;
      }
      LocalDate day = LocalDate.parse(f[1], DateTimeFormatter.BASIC_ISO_DATE).plusDays(shift);
      Instant at = day.atTime(12, 0).toInstant(ZoneOffset.UTC).plusSeconds(line % 3600);
      purchases.add(new JsonObject().put("id", "cdnow-" + line).put("customerId", "cdnow-" + f[0])
          .put("type", "purchase").put("occurredAt", at.toString()).put("channel", "web")
          .put("value", Double.parseDouble(f[3])).put("currency", "USD"));
    }
    purchases.sort(Comparator.comparing(p -> p.getString("occurredAt")));
    return purchases;
  }
}
