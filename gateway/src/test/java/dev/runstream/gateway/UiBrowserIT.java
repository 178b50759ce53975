package dev.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.RunPlan;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * during a live simulated run: the runs list shows it running, the run view's text grows while it
 * streams, then the final usage and cost appear. Screenshots go to {@code target/ui-screenshots/}.
 */
class UiBrowserIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perSuite();

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

  @TempDir static Path stateDir;
  @TempDir static Path profile;

  private static GatewayTestbed bed;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium and its driver are not installed (apt-get install -y chromium chromium-driver);"
            + " the browser test is skipped");
    Files.createDirectories(SCREENSHOTS);
    bed = new GatewayTestbed(CLUSTER.cluster(), stateDir, GatewayConfig.newBuilder());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (bed != null) {
      bed.close();
    }
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  @Test
  void shouldStreamTheTextLiveThenShowUsageAndCostWhenTheRunFinishes() throws Exception {
    DemoAgent demo =
        new DemoAgent(
            DemoAgent.Options.newBuilder()
                .seed(7)
                .tokensPerSecond(12)
                .llmSteps(2, 2)
                .tokensPerStep(45, 60)
                .toolCallProbability(1.0)
                .subAgents(0.0, 1)
                .failureRate(0.0)
                .build());
    RunPlan plan = demo.plan(0);
    CompletableFuture<AgentRun> live =
        CompletableFuture.supplyAsync(() -> demo.play(bed.publisher, plan));

    // The runs list shows the run while it is RUNNING; open it from there.
    browser.get(bed.uri("/").toString());
    By runningRow =
        By.xpath(
            "//tr[td[3][text()='"
                + plan.agentId()
                + "'] and .//span[contains(@class,'badge') and text()='RUNNING']]//a");
    String href =
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .ignoring(StaleElementReferenceException.class)
            .until(
                d ->
                    d.findElements(runningRow).stream()
                        .findFirst()
                        .map(a -> a.getDomProperty("href"))
                        .orElse(null));
    screenshot("runs.png");
    browser.get(href);

    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(d -> !text("run-text").isEmpty());
    int t1 = text("run-text").length();
    Thread.sleep(1_500);
    int t2 = text("run-text").length();
    assertThat(t2).as("the text grows while the run streams").isGreaterThan(t1);
    assertThat(text("run-status")).isEqualTo("RUNNING");
    assertThat(text("usage-source")).isEqualTo("so far, from step usage");
    screenshot("run-streaming.png");

    AgentRun run = live.get(120, TimeUnit.SECONDS);
    bed.publisher.flush();
    wait.until(d -> text("run-status").equals("FINISHED"));
    wait.until(d -> text("usage-source").equals("materialized run record"));
    assertThat(text("usage-cost")).startsWith("$");
    assertThat(text("usage-total-tokens")).matches("[0-9,]+").isNotEqualTo("0");
    assertThat(text("run-text").length()).isGreaterThanOrEqualTo(t2);
    assertThat(browser.findElements(By.cssSelector("#timeline li[data-step]")))
        .hasSizeGreaterThan(2);
    assertThat(browser.getCurrentUrl()).contains(run.workflowId());
    screenshot("run.png");

    browser.get(bed.uri("/usage.html").toString());
    wait.until(d -> !d.findElements(By.cssSelector("#tokens-chart svg rect")).isEmpty());
    wait.until(d -> !d.findElements(By.cssSelector("#totals tbody tr")).isEmpty());
    assertThat(text("totals")).contains(plan.agentId());
    screenshot("usage.png");
  }

  @Test
  void shouldShowTheWholeTextOnceWhenARunIsOpenedMidway() throws Exception {
    AgentRun run = bed.publisher.startRun("ui-join-agent", "write a long text");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 1_500; i++) {
      String chunk = "w" + i + " ";
      llm.textDelta(chunk);
      text.append(chunk);
    }
    bed.publisher.flush();
    bed.awaitRun(run.workflowId(), v -> v.path("last_sequence").asLong() >= 1_000);

    // Opened midway: the page joins with one snapshot, then the deltas after it.
    browser.get(bed.uri("/run.html?id=" + run.workflowId()).toString());
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(d -> !text("run-text").isEmpty());
    assertThat(text("sse-url")).contains("from=snapshot");
    long snapshotSequence =
        Long.parseLong(
            browser.findElement(By.id("run-text")).getDomAttribute("data-snapshot-sequence"));
    assertThat(snapshotSequence).isGreaterThanOrEqualTo(1_000);
    for (int i = 1_500; i < 1_800; i++) {
      String chunk = "w" + i + " ";
      llm.textDelta(chunk);
      text.append(chunk);
      if (i % 50 == 0) {
        Thread.sleep(50);
      }
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 1_800));
    run.finish("done").get(30, TimeUnit.SECONDS);
    wait.until(d -> text("run-status").equals("FINISHED"));
    String shown = browser.findElement(By.id("run-text")).getDomProperty("textContent");
    assertThat(shown).as("the whole text, each delta once").isEqualTo(text.toString());
    screenshot("run-joined.png");
  }
}
