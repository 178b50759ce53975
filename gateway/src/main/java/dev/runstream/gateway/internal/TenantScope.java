package dev.runstream.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.schemas.AgentEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The application-level tenant guard of a gateway that serves one tenant (one cell per tenant: the
 * Kafka ACLs already keep other tenants' topics away from it). The effective tenant of a run record
 * or an event is its {@code tenant_id}, or the gateway's tenant when it has none; only records of
 * the gateway's tenant are served. A gateway without a tenant serves everything.
 */
public final class TenantScope {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String tenant;

  /**
   * The scope of {@code tenant}.
   *
   * @param tenant the gateway's tenant, or null for no scoping
   */
  public TenantScope(String tenant) {
    this.tenant = tenant;
  }

  /** Whether a tenant is set (otherwise everything is in scope). */
  public boolean isScoped() {
    return tenant != null;
  }

  /** Whether a run record (the topology's JSON) is in scope. */
  public boolean includes(JsonNode run) {
    return includes(run.path("tenant_id").isTextual() ? run.path("tenant_id").asText() : null);
  }

  /** Whether an event is in scope. */
  public boolean includes(AgentEvent event) {
    return includes(event.getTenantId());
  }

  private boolean includes(String recordTenant) {
    return tenant == null || recordTenant == null || recordTenant.equals(tenant);
  }

  /**
   * A run's JSON if it is in scope.
   *
   * @param workflowId the requested id
   * @param run the topology's answer
   * @return {@code run}
   * @throws ApiException the unknown-workflow 404 if it is another tenant's
   */
  public byte[] run(String workflowId, byte[] run) {
    if (tenant != null && !includes(read(run))) {
      throw ApiException.unknownWorkflow(workflowId);
    }
    return run;
  }

  /** A run list ({@code {"workflows": [...], "count": n}}) without other tenants' runs. */
  public byte[] list(byte[] body) {
    return filter(body, "workflows", this::includes);
  }

  /**
   * Usage windows ({@code {"aggregates": [...], "count": n}}) without other tenants' TENANT
   * windows. AGENT and MODEL windows carry no tenant; in a cell they are all the cell's tenant's.
   */
  public byte[] usage(byte[] body) {
    return filter(
        body,
        "aggregates",
        a -> !"TENANT".equals(a.path("dimension").asText()) || includes(a.path("key").asText()));
  }

  private byte[] filter(byte[] body, String field, java.util.function.Predicate<JsonNode> keep) {
    if (tenant == null) {
      return body;
    }
    JsonNode root = read(body);
    if (!(root instanceof ObjectNode object) || !(root.get(field) instanceof ArrayNode items)) {
      return body;
    }
    ArrayNode kept = object.putArray(field);
    items.forEach(
        item -> {
          if (keep.test(item)) {
            kept.add(item);
          }
        });
    if (object.has("count")) {
      object.put("count", kept.size());
    }
    try {
      return JSON.writeValueAsBytes(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
