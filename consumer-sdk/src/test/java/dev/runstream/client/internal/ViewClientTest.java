package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.runstream.schemas.RunStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ViewClientTest {
  static final String FINISHED =
      """
      {"workflow_id":"wf 1","root_workflow_id":"root-1","parent_workflow_id":"root-1",
       "agent_id":"weather","tenant_id":null,"status":"FINISHED",
       "started_at":"2026-11-25T10:00:00Z","finished_at":"2026-11-25T10:00:05.250Z",
       "event_count":7,"last_sequence":6,"text":"It is sunny.","output":"sunny",
       "total_steps":2,"steps":[],
       "tool_results":[{"call_id":"c1","tool_name":"get_weather","arguments":"{}","output":"{\\"sky\\":1}"}],
       "step_usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2,"cost_usd":"0.000000000001"},
       "reported_usage":null,
       "usage":{"input_tokens":120,"output_tokens":30,"total_tokens":150,"cost_usd":"0.000036000000"},
       "error":null,"gaps":[],"children":[],"unknown_future_field":true,
       "first_event_partition":3,"first_event_offset":1234}
      """;

  private static HttpServer server;
  private static ExecutorService executor;

  @BeforeAll
  static void start() throws IOException {
    executor = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/workflows/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          String id =
              java.net.URLDecoder.decode(
                  path.substring("/workflows/".length()), StandardCharsets.UTF_8);
          byte[] body;
          int status;
          switch (id) {
            case "wf 1" -> {
              status = 200;
              body = FINISHED.getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("X-Runstream-Position", "3:4321");
            }
            case "stale" -> {
              status = 503;
              body =
                  ("{\"status\":503,\"reason\":\"not_fresh\",\"error\":\"has not applied offset"
                          + " 9 (query "
                          + exchange.getRequestURI().getRawQuery()
                          + ")\"}")
                      .getBytes(StandardCharsets.UTF_8);
            }
            case "broken" -> {
              status = 500;
              body = "oops".getBytes(StandardCharsets.UTF_8);
            }
            case "garbage" -> {
              status = 200;
              body = "[1,2".getBytes(StandardCharsets.UTF_8);
            }
            default -> {
              status = 404;
              body = "{}".getBytes(StandardCharsets.UTF_8);
            }
          }
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static ViewClient client(String... urls) {
    return new ViewClient(List.of(urls), Duration.ofSeconds(2), executor);
  }

  @Test
  void shouldParseTheWholeViewWhenTheWorkflowIsKnown() throws Exception {
    ViewClient.Lookup lookup = client(url()).lookup("wf 1").get(5, TimeUnit.SECONDS);
    assertThat(lookup).isInstanceOf(ViewClient.Lookup.Found.class);
    ViewSnapshot s = ((ViewClient.Lookup.Found) lookup).snapshot();
    assertThat(s.workflowId()).isEqualTo("wf 1");
    assertThat(s.rootWorkflowId()).isEqualTo("root-1");
    assertThat(s.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(s.isTerminal()).isTrue();
    assertThat(s.startedAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(s.lastSequence()).isEqualTo(6);
    assertThat(s.text()).isEqualTo("It is sunny.");
    assertThat(s.output()).isEqualTo("sunny");
    assertThat(s.totalSteps()).isEqualTo(2);
    assertThat(s.usage().getTotalTokens()).isEqualTo(150);
    assertThat(s.usage().getCostUsd()).isEqualByComparingTo(new BigDecimal("0.000036"));
    assertThat(s.usage().getCostUsd().scale()).isEqualTo(12);
    assertThat(s.toolResults())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getToolName()).isEqualTo("get_weather");
              assertThat(t.getOutput()).isEqualTo("{\"sky\":1}");
            });
    assertThat(s.error()).isNull();
    assertThat(s.hasIndex()).isTrue();
    assertThat(s.firstEventPartition()).isEqualTo(3);
    assertThat(s.firstEventOffset()).isEqualTo(1234);
  }

  @Test
  void shouldReadThePositionHeaderWhenTheViewSendsIt() throws Exception {
    ViewClient.Lookup lookup = client(url()).lookup("wf 1").get(5, TimeUnit.SECONDS);
    ViewSnapshot s = ((ViewClient.Lookup.Found) lookup).snapshot();
    assertThat(s.hasPosition()).isTrue();
    assertThat(s.positionPartition()).isEqualTo(3);
    assertThat(s.positionOffset()).isEqualTo(4321);
    assertThat(s.toRunSnapshot().position())
        .isEqualTo(new dev.runstream.client.ViewPosition(3, 4321));
  }

  @Test
  void shouldAnswerNotFreshWithoutTryingOthersWhenTheViewCannotCatchUp() throws Exception {
    ViewClient.Lookup lookup =
        client(url(), url())
            .lookupAtLeast("stale", new dev.runstream.client.ViewPosition(1, 9))
            .get(5, TimeUnit.SECONDS);
    assertThat(lookup).isInstanceOf(ViewClient.Lookup.NotFresh.class);
    assertThat(((ViewClient.Lookup.NotFresh) lookup).reason())
        .contains("has not applied offset 9")
        .contains("at_least=1%3A9");
  }

  @Test
  void shouldAnswerNotFoundWhenTheViewAnswers404() throws Exception {
    assertThat(client(url()).lookup("nope").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ViewClient.Lookup.NotFound.class);
  }

  @Test
  void shouldBeUnavailableWhenTheViewFailsOrIsDown() throws Exception {
    assertThat(client(url()).lookup("broken").get(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ViewClient.Lookup.Unavailable.class, u -> assertThat(u.reason()).contains("HTTP 500"));
    assertThat(client(url()).lookup("garbage").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ViewClient.Lookup.Unavailable.class);
    assertThat(client("http://127.0.0.1:" + freePort()).lookup("wf 1").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ViewClient.Lookup.Unavailable.class);
    assertThat(client().lookup("wf 1").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ViewClient.Lookup.Unavailable.class);
  }

  @Test
  void shouldTryTheNextInstanceWhenOneIsDown() throws Exception {
    assertThat(
            client("http://127.0.0.1:" + freePort(), url()).lookup("wf 1").get(5, TimeUnit.SECONDS))
        .isInstanceOf(ViewClient.Lookup.Found.class);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
