package io.rapport.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium and chromium-driver, headless, for the console's browser tests: offline (no background
 * networking, no updates, no sync), with a fresh profile, keeping the browser's console log.
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** The browser and its driver, when both are installed. */
  static Optional<Path[]> installed() {
    Path chromium = firstExecutable("/usr/bin/chromium", "/usr/bin/chromium-browser");
    Path driver = firstExecutable("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    return chromium == null || driver == null ? Optional.empty() : Optional.of(new Path[] {chromium, driver});
  }

  /** Starts a browser with its window this size and a fresh profile in {@code profile}. */
  static ChromeDriver start(Path[] installed, Path profile, int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(installed[0].toString());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // the driver is Debian's, given by path: Selenium Manager then downloads nothing
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(installed[1].toFile()).build(),
        options);
  }

  private static Path firstExecutable(String... paths) {
    for (String p : paths) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }
}
