package dev.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.RunPlan;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AvroSerde;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetPeriod;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * during a live simulated run: the runs list shows it running, the run view's text grows while it
 * streams, then the final usage and cost appear; and a run whose step is retried mid-run leaves no
 * trace of its first attempt in the page. Screenshots go to {@code target/ui-screenshots/}.
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

  /** Starts a slow simulated run and returns the run view's URL, found in the runs list. */
  private static String openRunningRun(RunPlan plan) {
    browser.get(bed.uri("/").toString());
    By runningRow =
        By.xpath(
            "//tr[td[3][text()='"
                + plan.agentId()
                + "'] and .//span[contains(@class,'badge') and text()='RUNNING']]//a");
    return new WebDriverWait(browser, Duration.ofSeconds(60))
        .ignoring(StaleElementReferenceException.class)
        .until(
            d ->
                d.findElements(runningRow).stream()
                    .findFirst()
                    .map(a -> a.getDomProperty("href"))
                    .orElse(null));
  }

  private static DemoAgent slowDemo(long seed, int steps) {
    return new DemoAgent(
        DemoAgent.Options.newBuilder()
            .seed(seed)
            .tokensPerSecond(10)
            .llmSteps(steps, steps)
            .tokensPerStep(40, 50)
            .toolCallProbability(0.0)
            .subAgents(0.0, 1)
            .failureRate(0.0)
            .build());
  }

  @Test
  void shouldStopTheWorkerAndShowCancelledWhenCancelIsClicked() throws Exception {
    DemoAgent demo = slowDemo(101, 4);
    RunPlan plan = demo.plan(0);
    CompletableFuture<AgentRun> live =
        CompletableFuture.supplyAsync(() -> demo.play(bed.publisher, plan));
    browser.get(openRunningRun(plan));

    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(d -> !text("run-text").isEmpty());
    WebElement cancel = browser.findElement(By.id("cancel-run"));
    wait.until(d -> cancel.isDisplayed());
    assertThat(live).isNotDone();
    cancel.click();

    AgentRun run = live.get(60, TimeUnit.SECONDS);
    assertThat(run.status()).as("the worker stopped the run").isEqualTo(RunStatus.CANCELLED);
    assertThat(run.cancellation().get(1, TimeUnit.SECONDS).source()).isEqualTo("gateway");
    wait.until(d -> text("run-status").equals("CANCELLED"));
    assertThat(text("info")).contains("cancelled", "cancelled from the web UI");
    assertThat(browser.findElement(By.id("cancel-run")).isDisplayed()).isFalse();
    int length = text("run-text").length();
    Thread.sleep(1_500);
    assertThat(text("run-text").length()).as("no text after the cancel").isEqualTo(length);
    JsonNode view = bed.awaitFinished(run.workflowId());
    assertThat(view.path("status").asText()).isEqualTo("CANCELLED");
    screenshot("run-cancelled.png");
  }

  @Test
  void shouldShowThatABudgetStoppedTheRunWhenItsAgentCrossedItsBudget() throws Exception {
    DemoAgent demo = slowDemo(303, 4);
    RunPlan plan = demo.plan(0);
    Budget budget =
        Budget.newBuilder()
            .setScope(BudgetScope.AGENT)
            .setKey(plan.agentId())
            .setMaxTokens(1L)
            .setPeriod(BudgetPeriod.PER_RUN)
            .setUpdatedAt(java.time.Instant.now())
            .build();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.cluster().bootstrapServers());
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, CLUSTER.cluster().schemaRegistryUrl()));
    // The demo's agent ids are shared by the suite's other tests: the budget goes when done.
    try (KafkaProducer<String, Budget> budgets =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerde.specific(Budget.class, serde).serializer())) {
      budgets
          .send(new ProducerRecord<>(TopicSpec.BUDGETS, "AGENT:" + plan.agentId(), budget))
          .get();
      Thread.sleep(1_000); // the topology's global budgets table catches up
      try {
        assertStoppedByBudget(demo, plan);
      } finally {
        budgets
            .send(new ProducerRecord<>(TopicSpec.BUDGETS, "AGENT:" + plan.agentId(), null))
            .get();
        Thread.sleep(1_000);
      }
    }
  }

  private static void assertStoppedByBudget(DemoAgent demo, RunPlan plan) throws Exception {
    AgentRun run = demo.play(bed.publisher, plan);
    assertThat(run.status()).as("the worker stopped the run").isEqualTo(RunStatus.CANCELLED);
    bed.awaitFinished(run.workflowId());
    browser.get(bed.uri("/run.html?id=" + run.workflowId()).toString());

    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(d -> text("run-status").equals("CANCELLED"));
    wait.until(d -> text("info").contains("stopped by a budget"));
    assertThat(text("info")).contains("budget_exceeded: AGENT:" + plan.agentId());
    wait.until(d -> browser.findElement(By.id("budget")).isDisplayed());
    assertThat(text("budget"))
        .startsWith("Budget exceeded: AGENT " + plan.agentId() + " (PER_RUN) allows 1 tokens");
    screenshot("run-stopped-by-budget.png");
  }

  @Test
  void shouldLeaveTheRunToFinishWhenTheTabIsClosedMidRun() throws Exception {
    DemoAgent demo = slowDemo(202, 2);
    RunPlan plan = demo.plan(0);
    CompletableFuture<AgentRun> live =
        CompletableFuture.supplyAsync(() -> demo.play(bed.publisher, plan));
    String href = openRunningRun(plan);
    String home = browser.getWindowHandle();
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(href);
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> !text("run-text").isEmpty());
    assertThat(live).isNotDone();
    browser.close(); // the tab goes away mid-run, its EventSource with it
    browser.switchTo().window(home);

    AgentRun run = live.get(120, TimeUnit.SECONDS);
    assertThat(run.isCancelRequested()).isFalse();
    assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(bed.awaitFinished(run.workflowId()).path("status").asText()).isEqualTo("FINISHED");
  }

  /** The exact text content of an element, whitespace included. */
  private static String content(String id) {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript("return document.getElementById(arguments[0]).textContent", id);
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
                .retryRate(0.0)
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
  void shouldRemoveTheFirstAttemptsTextWhenAStepIsRetriedMidRun() throws Exception {
    AgentRun run = bed.publisher.startRun("retry-ui-agent", "Explain retries");
    RunStep intro = run.startStep("llm_1", StepType.LLM);
    intro.textDelta("Intro. ");
    intro.finish(null);
    RunStep first = run.startStep("llm_2", StepType.LLM);
    first.textDelta("FIRST-ATTEMPT ");
    first.textDelta("cut short");
    RunStep side = run.startStep("other_1", StepType.OTHER);
    side.textDelta("[side] ");
    bed.publisher.flush();

    browser.get(bed.uri("/run.html?id=" + run.workflowId()).toString());
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(d -> content("run-text").contains("[side]"));
    assertThat(content("run-text")).isEqualTo("Intro. FIRST-ATTEMPT cut short[side] ");
    screenshot("run-before-retry.png");

    RunStep second = first.retry();
    bed.publisher.flush();
    wait.until(d -> !content("run-text").contains("FIRST-ATTEMPT"));
    assertThat(content("run-text"))
        .as("only the retried step's text went")
        .isEqualTo("Intro. [side] ");
    By retriedRow = By.cssSelector("#timeline li[data-step='llm_2']");
    wait.until(d -> "2".equals(d.findElement(retriedRow).getDomAttribute("data-attempt")));
    assertThat(browser.findElement(retriedRow).getText()).contains("attempt 2");

    second.textDelta("Second attempt. ");
    second.finish(null);
    side.textDelta("[more side]");
    side.finish(null);
    RunStep outro = run.startStep("llm_3", StepType.LLM);
    outro.textDelta("The end.");
    outro.finish(null);
    run.finish("done").get(30, TimeUnit.SECONDS);

    String expected = "Intro. [side] Second attempt. [more side]The end.";
    wait.until(d -> text("run-status").equals("FINISHED"));
    assertThat(content("run-text")).isEqualTo(expected).doesNotContain("FIRST", "cut short");
    assertThat(browser.findElements(By.cssSelector("#timeline li[data-step]")))
        .as("a retried step keeps one row")
        .hasSize(4);
    screenshot("run-retried.png");

    // Opened afterwards, the page replays every event, the first attempt's included.
    browser.get(bed.uri("/run.html?id=" + run.workflowId()).toString());
    wait.until(d -> text("run-status").equals("FINISHED"));
    assertThat(content("run-text")).isEqualTo(expected);
    assertThat(browser.findElement(retriedRow).getText()).contains("attempt 2");
    assertThat(bed.awaitFinishedInTopology(run.workflowId()).path("text").asText())
        .isEqualTo(expected);
  }

  @Test
  void shouldDropTheSnapshotsTextOfAStepWhenAJoinedRunRetriesIt() throws Exception {
    AgentRun run = bed.publisher.startRun("retry-join-agent", "Explain retries to a late joiner");
    RunStep intro = run.startStep("llm_1", StepType.LLM);
    intro.textDelta("Intro. ");
    intro.finish(null);
    RunStep first = run.startStep("llm_2", StepType.LLM);
    first.textDelta("FIRST-ATTEMPT ");
    first.textDelta("cut short. ");
    bed.publisher.flush();
    bed.awaitRun(run.workflowId(), v -> v.path("last_sequence").asLong() >= 5);

    // Joined midway: the first attempt's text arrives inside the snapshot, not as its own deltas.
    browser.get(bed.uri("/run.html?id=" + run.workflowId()).toString());
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.until(d -> content("run-text").contains("cut short"));
    assertThat(text("sse-url")).contains("from=snapshot");
    first.textDelta("more of the first. ");
    bed.publisher.flush();
    wait.until(d -> content("run-text").contains("more of the first"));

    RunStep second = first.retry();
    second.textDelta("Second attempt.");
    bed.publisher.flush();
    wait.until(d -> content("run-text").contains("Second attempt."));
    assertThat(content("run-text")).isEqualTo("Intro. Second attempt.");
    second.finish(null);
    run.finish("done").get(30, TimeUnit.SECONDS);
    wait.until(d -> text("run-status").equals("FINISHED"));
    assertThat(content("run-text")).isEqualTo("Intro. Second attempt.");
    screenshot("run-joined-retried.png");
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
