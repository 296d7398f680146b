package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless browser (Debian's chromium and chromium-driver, driven by Selenium): it loads
 * without errors in the browser's console, shows the stage numbers the API reports, draws the flow diagram, finds a
 * customer and shows the timeline with the rule behind each step, and shows a hostile customer id as plain text.
 * Skipped when chromium is not installed, except under CI=true where that fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
  /** A customer id that would run script if the console put data into the page as HTML. */
  private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\">";
  private ManagersServer managers;
  private ChromeDriver browser;
  private Path profile;

  @BeforeAll
  void start() throws Exception {
    Path[] installed = HeadlessChromium.installed().orElse(null);
    if (installed == null) {
      String missing = "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(missing + ": the console's browser test needs them under CI=true");
      }
      Assumptions.abort(missing + ": skipping the console's browser test");
    }
    managers = ManagersServer.start();
    managers.ingest(story().encode());
    // the stage numbers come from the census, counted every metrics.refresh
    await().atMost(Duration.ofSeconds(90)).alias("the census counts the story's customers").until(() -> {
      JsonObject stages = stats().getJsonObject("stages");
      return stages.getLong("REPEAT", 0L) == 2 && stages.getLong("NEW_CUSTOMER", 0L) == 2
          && stages.getLong("LEAD", 0L) == 2;
    });

    profile = Files.createTempDirectory("rapport-chromium");
    browser = HeadlessChromium.start(installed, profile, 1400, 2400);
    browser.get(managers.url() + "/#key=" + ManagersServer.READ_KEY);
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
  }

  /** Two days of a small shop: signups, first and second purchases, a hostile id. */
  private JsonArray story() {
    JsonArray t = new JsonArray();
    for (int i = 0; i < 5; i++) {
      t.add(managers.tp.json("signup-" + i, "shopper-" + i, "signup", Duration.ofMinutes(i))
          .put("properties", new JsonObject().put("email", "shopper" + i + "@example.com")));
    }
    for (int i = 0; i < 3; i++) {
      t.add(new JsonObject(managers.tp.of("buy-" + i, "shopper-" + i, "purchase", Duration.ofHours(2), 30.0 + i)));
    }
    for (int i = 0; i < 2; i++) {
      t.add(new JsonObject(managers.tp.of("again-" + i, "shopper-" + i, "purchase", Duration.ofHours(5), 45.0)));
    }
    t.add(new JsonObject(managers.tp.of("buy-hostile", HOSTILE, "purchase", Duration.ofHours(3), 10.0)));
    return t;
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (managers != null) {
      managers.close();
    }
    if (profile != null) {
      try (Stream<Path> paths = Files.walk(profile)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void theConsoleShowsTheStageNumbersTheApiReports() throws Exception {
    JsonObject stages = stats().getJsonObject("stages");
    Map<String, String> shown = new HashMap<>();
    for (WebElement cell : browser.findElements(By.cssSelector("#stages td[data-stage]"))) {
      shown.put(cell.getDomAttribute("data-stage"), cell.getText());
    }
    assertThat(shown).containsEntry("REPEAT", "2").containsEntry("NEW_CUSTOMER", "2").containsEntry("LEAD", "2");
    for (String stage : stages.fieldNames()) {
      assertThat(shown.get(stage)).as(stage).isEqualTo(String.format("%,d", stages.getLong(stage)));
    }
    assertThat(browser.findElements(By.cssSelector("#stages-chart canvas"))).isNotEmpty();
  }

  @Test
  void theFlowDiagramIsDrawnFromTheTransitions() {
    WebElement flow = browser.findElement(By.id("flow-chart"));
    // PROSPECT -> LEAD, LEAD -> NEW_CUSTOMER, NEW_CUSTOMER -> REPEAT and PROSPECT -> NEW_CUSTOMER (the hostile id)
    assertThat(flow.getDomAttribute("data-links")).isEqualTo("4");
    assertThat(flow.isDisplayed()).isTrue();
    assertThat(browser.findElements(By.cssSelector("#flow-chart canvas"))).isNotEmpty();
    assertThat(browser.findElement(By.id("flow-empty")).isDisplayed()).isFalse();
  }

  @Test
  void aSearchFindsACustomerAndShowsItsTimelineWithTheRuleBehindEachStep() {
    browser.findElement(By.id("search-q")).clear();
    browser.findElement(By.id("search-q")).sendKeys("shopper-1");
    browser.findElement(By.cssSelector("#search-form button")).click();
    WebElement hit = new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(b -> b.findElements(By.cssSelector("#results tr[data-customer-id]")).stream().findFirst().orElse(null));
    assertThat(hit.getDomAttribute("data-customer-id")).isEqualTo("shopper-1");
    hit.click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(b -> b.findElements(By.cssSelector("#timeline tr[data-kind='transition']")).size() == 3);
    assertThat(browser.findElement(By.id("timeline-customer")).getText()).isEqualTo("shopper-1");
    List<String> steps = browser.findElements(By.cssSelector("#timeline tr[data-kind='transition']")).stream()
        .map(WebElement::getText).toList();
    assertThat(steps.get(0)).contains("PROSPECT → LEAD", "Signing up makes a prospect a lead");
    assertThat(steps.get(1)).contains("LEAD → NEW_CUSTOMER", "First purchase makes a new customer");
    assertThat(steps.get(2)).contains("NEW_CUSTOMER → REPEAT", "Second purchase makes a repeat customer");
    assertThat(browser.findElements(By.cssSelector("#timeline tr[data-kind='action']"))).isNotEmpty();
  }

  @Test
  void aHostileCustomerIdIsShownAsTextAndRunsNothing() {
    WebElement q = browser.findElement(By.id("search-q"));
    q.clear();
    q.sendKeys("<img");
    browser.findElement(By.cssSelector("#search-form button")).click();
    WebElement hit = new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(b -> b.findElements(By.cssSelector("#results tr[data-customer-id]")).stream().findFirst().orElse(null));
    hit.click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(b -> HOSTILE.equals(b.findElement(By.id("timeline-customer")).getText()));
    assertThat(browser.findElements(By.cssSelector("#results img, #timeline-panel img"))).isEmpty();
    assertThat(browser.getTitle()).isNotEqualTo("pwned");
  }

  @Test
  void theConsoleLoadsWithoutErrorsInTheBrowsersConsole() throws Exception {
    List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        // the failed-actions list is the admin's: with the read key the console is refused it (403), and says so
        .filter(e -> !(e.getMessage().contains("/v1/actions") && e.getMessage().contains("Failed to load resource")))
        .toList();
    assertThat(severe).extracting(LogEntry::getMessage).isEmpty();
    Path shot = Path.of("target", "console-browser-test.png");
    Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void swaggerUiShowsTheApiDocumentFromTheServerAloneWithoutErrors() {
    browser.manage().logs().get(LogType.BROWSER); // what the console logged so far is another test's
    browser.get(managers.url() + "/docs");
    try {
      new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> b.findElements(By.cssSelector(".opblock")).size() > 10);
      assertThat(browser.findElement(By.cssSelector(".swagger-ui .info .title")).getText()).contains("Rapport");
      assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
          .map(e -> e.getDomAttribute("data-path")).toList()).contains("/v1/customers", "/v1/stats");
      List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
      assertThat(severe).extracting(LogEntry::getMessage).isEmpty();
    } finally {
      browser.get(managers.url() + "/");
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    }
  }

  @Test
  void withoutAKeyTheConsoleAsksForOneAndShowsNoData() {
    browser.executeScript("sessionStorage.clear()");
    browser.get(managers.url() + "/");
    try {
      new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> b.findElement(By.id("key-panel")).isDisplayed());
      assertThat(browser.findElement(By.id("board")).isDisplayed()).isFalse();
      assertThat(browser.findElements(By.cssSelector("#stages td[data-stage]"))).isEmpty();
    } finally {
      // back with the key, for the tests that run after this one
      browser.get(managers.url() + "/#key=" + ManagersServer.READ_KEY);
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(b -> "true".equals(b.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    }
  }

  private JsonObject stats() throws Exception {
    return managers.as(ManagersServer.READ_KEY).get("/v1/stats").json();
  }
}
