package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TenantScopeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TenantScope ACME = new TenantScope("acme");

  private static byte[] bytes(String json) {
    return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldServeOwnAndUntaggedRunsAndHideOthersAsUnknownWhenScoped() {
    byte[] own = bytes("{'workflow_id':'a','tenant_id':'acme'}");
    byte[] untagged = bytes("{'workflow_id':'b','tenant_id':null}");
    assertThat(ACME.run("a", own)).isSameAs(own);
    assertThat(ACME.run("b", untagged)).isSameAs(untagged);
    assertThatThrownBy(() -> ACME.run("c", bytes("{'workflow_id':'c','tenant_id':'globex'}")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              ApiException unknown = ApiException.unknownWorkflow("c");
              assertThat(e.status()).isEqualTo(404).isEqualTo(unknown.status());
              assertThat(e.code()).isEqualTo(unknown.code());
              assertThat(e.getMessage()).isEqualTo(unknown.getMessage());
            });
  }

  @Test
  void shouldDropOtherTenantsRunsAndRecountWhenFilteringAList() throws Exception {
    JsonNode list =
        JSON.readTree(
            ACME.list(
                bytes(
                    "{'workflows':[{'workflow_id':'a','tenant_id':'acme'},"
                        + "{'workflow_id':'b','tenant_id':'globex'},{'workflow_id':'c'}],"
                        + "'count':3}")));
    assertThat(list.path("count").asInt()).isEqualTo(2);
    assertThat(list.path("workflows").findValuesAsText("workflow_id")).containsExactly("a", "c");
  }

  @Test
  void shouldDropOtherTenantsTenantWindowsWhenFilteringUsage() throws Exception {
    JsonNode usage =
        JSON.readTree(
            ACME.usage(
                bytes(
                    "{'aggregates':[{'dimension':'TENANT','key':'acme'},"
                        + "{'dimension':'TENANT','key':'globex'},{'dimension':'MODEL','key':'m'}],"
                        + "'count':3}")));
    assertThat(usage.path("count").asInt()).isEqualTo(2);
    assertThat(usage.path("aggregates").findValuesAsText("key")).containsExactly("acme", "m");
  }

  @Test
  void shouldPassEverythingThroughWhenNoTenantIsSet() {
    TenantScope open = new TenantScope(null);
    byte[] other = bytes("{'workflow_id':'c','tenant_id':'globex'}");
    byte[] list = bytes("{'workflows':[{'tenant_id':'globex'}],'count':1}");
    assertThat(open.isScoped()).isFalse();
    assertThat(open.run("c", other)).isSameAs(other);
    assertThat(open.list(list)).isSameAs(list);
  }
}
