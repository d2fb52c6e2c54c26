package dev.cachalot.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver; Selenium Manager is
 * never asked to download anything): traffic through the proxy shows up on the page within its
 * one-second polling. Leaves a screenshot at target/dashboard.png.
 */
@Timeout(120)
class DashboardIT {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  private static final Path SCREENSHOT = Paths.get("target", "dashboard.png");

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  private AdminHarness harness;
  private ChromeDriverService service;
  private WebDriver browser;

  @BeforeEach
  void setUp() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String why = "DashboardIT needs " + CHROMIUM + " and " + CHROMEDRIVER
          + " (apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);  // CI must run it: a missing browser is a broken setup, not a reason to skip
      }
      Assumptions.abort(why);
    }
    origin.handle("/one", r -> Response.ok("the first page\n").header("Cache-Control", "max-age=300"));
    origin.handle("/two", r -> Response.ok("the second page, longer\n").header("Cache-Control", "max-age=300"));
    harness = new AdminHarness();

    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogFile(new File("target/chromedriver.log")).build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,1400");
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void pageShowsNewRequestsAndHits() throws Exception {
    browser.get(harness.adminUrl("/"));
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    wait.until(d -> text("live").equals("live"));
    assertThat(text("total-requests")).isEqualTo("0");

    // Two misses, then four hits.
    for (String path : List.of("/one", "/two", "/one", "/one", "/one", "/two")) {
      assertThat(harness.get(origin.url(path)).statusCode()).isEqualTo(200);
    }

    try {
      // One snapshot of the page per look: it redraws every second, so element handles would go stale.
      Map<String, Object> page = wait.until(d -> {
        Map<String, Object> snapshot = snapshot();
        return "6".equals(snapshot.get("requests")) && "4".equals(snapshot.get("hits"))
            && ((List<?>) snapshot.get("rows")).size() == 6 ? snapshot : null;
      });
      assertThat(page).containsEntry("misses", "2").containsEntry("ratio", "66.7 %").containsEntry("memory", "2")
          .containsEntry("painted", Boolean.TRUE);

      List<List<String>> rows = rows(page, "rows");
      assertThat(rows.get(0).get(0)).isEqualTo("TCP_MEM_HIT");
      assertThat(rows.get(0).get(1)).contains(origin.url("/two")).contains("TCP_MEM_HIT").contains("GET");
      assertThat(rows.get(5).get(1)).contains(origin.url("/one")).contains("TCP_MISS");

      List<List<String>> top = rows(page, "top");
      assertThat(top).hasSize(2);
      assertThat(top.get(0)).containsExactly(origin.url("/one"), "3");
      assertThat(top.get(1)).containsExactly(origin.url("/two"), "1");
    } finally {
      screenshot();
    }
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText().trim();
  }

  /** What the page shows, read in one script so that it is consistent. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> snapshot() {
    return (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(
        "var t = function (id) { return document.getElementById(id).textContent.trim(); };"
            + "var all = function (q) { return Array.prototype.slice.call(document.querySelectorAll(q)); };"
            + "var c = document.getElementById('chart'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data,"
            + "    painted = false;"
            + "for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { painted = true; break; } }"
            + "var memory = document.querySelector('#tiers [data-tier=memory] .tier-entries');"
            + "return { requests: t('total-requests'), hits: t('total-hits'), misses: t('total-misses'),"
            + "  ratio: t('hit-ratio'), memory: memory ? memory.textContent : null, painted: painted,"
            + "  rows: all('#recent tbody tr[data-result]').map(function (r) { return [r.dataset.result, r.innerText]; }),"
            + "  top: all('#top-urls tbody tr:not(.empty-row)').map(function (r) {"
            + "    return [r.querySelector('.url').textContent, r.querySelector('.hits').textContent]; }) };");
  }

  @SuppressWarnings("unchecked")
  private static List<List<String>> rows(Map<String, Object> page, String name) {
    return (List<List<String>>) page.get(name);
  }

  private void screenshot() throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.createDirectories(SCREENSHOT.getParent());
    Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
  }
}
