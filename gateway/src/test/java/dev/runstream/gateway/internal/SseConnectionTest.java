package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseConnectionTest {
  @Test
  void shouldWriteIdEventAndOneDataLinePerLineWhenSendingAnEvent() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SseConnection c = new SseConnection(out);
    assertThat(c.retry(2000)).isTrue();
    assertThat(c.event("7", "text_delta", "{\"a\":1}\nsecond")).isTrue();
    assertThat(c.event(null, "stream_error", "{}")).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "retry: 2000\n\n"
                + "id: 7\nevent: text_delta\ndata: {\"a\":1}\ndata: second\n\n"
                + "event: stream_error\ndata: {}\n\n");
  }

  @Test
  void shouldSendAKeepAliveCommentOnlyWhenIdleLongEnough() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SseConnection c = new SseConnection(out);
    c.event("0", "agent_start", "{}");
    assertThat(c.keepAlive(60_000_000_000L)).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("keep-alive");
    assertThat(c.keepAlive(0)).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).endsWith(": keep-alive\n\n");
  }

  @Test
  void shouldCloseOnceWithClientGoneWhenAWriteFails() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    SseConnection c = new SseConnection(broken);
    List<String> reasons = new ArrayList<>();
    c.onClose(reasons::add);
    assertThat(c.keepAlive(0)).isFalse();
    assertThat(c.event("1", "text_delta", "{}")).isFalse();
    c.close("completed");
    assertThat(reasons).containsExactly("client_gone");
    assertThat(c.done()).isCompleted();
    assertThat(c.isClosed()).isTrue();
  }
}
