package dev.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.client.ClientConfig;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI against a gateway in secure mode, in a real headless Chromium: the API's 401 makes the
 * UI prompt for a token; a wrong one is refused, the tenant's API key is kept for the tab, the runs
 * list shows the tenant's runs only, and the run view streams the text over an EventSource that
 * carries the key as {@code access_token}. Screenshots go to {@code target/ui-screenshots/}.
 */
class UiSecureBrowserIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perSuite();

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  private static final String ACME_KEY = "acme-ui-" + UUID.randomUUID();

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
    bed =
        new GatewayTestbed(
            CLUSTER.cluster(),
            stateDir,
            GatewayConfig.newBuilder()
                .authRequired(true)
                .tenant("acme")
                // A shared events topic: tenant.id would default it to acme.agent-events. The
                // gateway's tenant check is then the only guard, which is what this test checks.
                .set(ClientConfig.TOPIC_CONFIG, "agent-events")
                .set(ClientConfig.CONTROL_TOPIC_CONFIG, "agent-control")
                .apiKeys("acme:" + GatewaySecurityIT.sha256(ACME_KEY)));
    bed.credential = ACME_KEY;
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

  private static void signIn(WebDriverWait wait, String token) {
    WebElement input =
        wait.until(d -> d.findElements(By.id("auth-token")).stream().findFirst()).orElseThrow();
    input.sendKeys(token);
    browser.findElement(By.id("auth-submit")).click();
  }

  /** A run of {@code tenant} that streams 120 text deltas over about 12 seconds, then finishes. */
  private static AgentRun playSlowly(AgentRun run) throws Exception {
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    for (int i = 0; i < 120; i++) {
      llm.textDelta("token" + i + " ");
      Thread.sleep(100);
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(20, 120));
    run.finish("done").get(30, TimeUnit.SECONDS);
    return run;
  }

  @Test
  void shouldCancelWithTheTabsTokenWhenCancelIsClickedInSecureMode() throws Exception {
    AgentRun run =
        bed.publisher.startRun(
            RunOptions.newBuilder().agentId("secure-cancel").input("q").tenantId("acme").build());
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    // The worker: streams until it is asked to stop, then ends the run cancelled.
    CompletableFuture<Void> worker =
        CompletableFuture.runAsync(
            () -> {
              try {
                for (int i = 0; i < 600 && !run.isCancelRequested(); i++) {
                  llm.textDelta("token" + i + " ");
                  Thread.sleep(100);
                }
                run.cancel(null).get(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // A tab of its own (its own sessionStorage), signed in through the URL fragment.
    String home = browser.getWindowHandle();
    browser.switchTo().newWindow(WindowType.TAB);
    try {
      browser.get(bed.uri("/run.html?id=" + run.workflowId() + "#token=" + ACME_KEY).toString());
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
      wait.until(d -> !text("run-text").isEmpty());
      WebElement cancel = browser.findElement(By.id("cancel-run"));
      wait.until(d -> cancel.isDisplayed());
      cancel.click();
      worker.get(60, TimeUnit.SECONDS);
      assertThat(run.cancellation().get().requestedBy()).isEqualTo("tenant:acme");
      wait.until(d -> text("run-status").equals("CANCELLED"));
      assertThat(browser.findElements(By.id("auth"))).as("no prompt: the key was sent").isEmpty();
      screenshot("secure-run-cancelled.png");
    } finally {
      browser.close();
      browser.switchTo().window(home);
    }
  }

  @Test
  void shouldPromptForTheTokenThenListRunsAndStreamTheTextWhenAuthIsRequired() throws Exception {
    String agent = "secure-ui-" + UUID.randomUUID().toString().substring(0, 8);
    AgentRun foreign =
        bed.publisher.startRun(
            RunOptions.newBuilder().agentId(agent).input("x").tenantId("globex").build());
    foreign.finish("globex result").get(30, TimeUnit.SECONDS);
    AgentRun own =
        bed.publisher.startRun(
            RunOptions.newBuilder().agentId(agent).input("weather?").tenantId("acme").build());
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(bed.uri("/").toString());
    // The API answered 401: the UI asks for a token; a wrong one is refused and asked again.
    signIn(wait, "not-the-key");
    wait.until(d -> !d.findElements(By.id("auth-error")).isEmpty());
    assertThat(text("auth-error")).contains("not accepted");
    screenshot("secure-prompt.png");
    browser.findElement(By.id("auth-token")).clear();
    signIn(wait, ACME_KEY);
    wait.until(d -> d.findElements(By.id("auth")).isEmpty());
    // The run streams its text from now on.
    CompletableFuture<AgentRun> live =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return playSlowly(own);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    assertThat(
            ((JavascriptExecutor) browser)
                .executeScript("return sessionStorage.getItem('runstream.token')"))
        .isEqualTo(ACME_KEY);

    // The list shows acme's run, RUNNING, and not globex's run of the same agent.
    By runningRow =
        By.xpath(
            "//tr[td[3][text()='"
                + agent
                + "'] and .//span[contains(@class,'badge') and text()='RUNNING']]//a");
    String href =
        wait.ignoring(StaleElementReferenceException.class)
            .until(
                d ->
                    d.findElements(runningRow).stream()
                        .findFirst()
                        .map(a -> a.getDomProperty("href"))
                        .orElse(null));
    assertThat(href).contains(own.workflowId());
    assertThat(browser.findElements(By.xpath("//tr[td[3][text()='" + agent + "']]"))).hasSize(1);
    assertThat(browser.findElement(By.id("runs")).getText()).doesNotContain("globex");
    screenshot("secure-runs.png");

    // The run view: no second prompt in this tab, and the text streams in live.
    browser.get(href);
    wait.until(d -> !text("run-text").isEmpty());
    assertThat(browser.findElements(By.id("auth"))).isEmpty();
    int t1 = text("run-text").length();
    Thread.sleep(1_500);
    int t2 = text("run-text").length();
    assertThat(t2).as("the text grows while the run streams").isGreaterThan(t1);
    assertThat(text("run-status")).isEqualTo("RUNNING");
    assertThat(text("sse-url")).doesNotContain("access_token").doesNotContain(ACME_KEY);
    screenshot("secure-run-streaming.png");

    live.get(120, TimeUnit.SECONDS);
    wait.until(d -> text("run-status").equals("FINISHED"));
    assertThat(text("run-text")).startsWith("token0 token1 ").contains("token119");
  }
}
