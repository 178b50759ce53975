package dev.runstream.cli.internal;

import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.TenantConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least-privilege ACLs of one tenant's three principals, as {@code runstream acl} applies them:
 *
 * <ul>
 *   <li><b>worker</b> (agent workers, the publisher): WRITE and DESCRIBE on the events topic, READ
 *       and DESCRIBE on the control topic (it observes cancel requests with an assigned consumer,
 *       no group); nothing else, not even reading its events back. An idempotent producer needs no
 *       cluster right.
 *   <li><b>topology</b> (Kafka Streams): ALL on topics, READ and DESCRIBE on groups, WRITE and
 *       DESCRIBE on transactional ids, each PREFIXED with its {@code application.id} (its internal
 *       topics, consumer group and exactly-once transactional ids); READ on the events topic; READ
 *       and DESCRIBE on the price ledger and budgets topics (global tables: read by assignment, no
 *       group); WRITE on the runs, usage, dead-letter, budget-events and control topics (the
 *       control topic for the cancels it issues when a run crosses a budget); DESCRIBE_CONFIGS on
 *       the runs topic.
 *   <li><b>reader</b> (consumer SDK, gateway, microservices, {@code runstream prices list}): READ
 *       and DESCRIBE on the events, runs, usage, price ledger, budgets and budget-events topics (it
 *       sees prices and budgets but cannot change them: those topics are written by an operator's
 *       admin principal), WRITE and DESCRIBE on the control topic (to publish cancel requests), and
 *       READ on consumer groups PREFIXED with the tenant's prefix.
 * </ul>
 *
 * <p>Nobody but the administrator writes the price ledger ({@code runstream prices set} with the
 * admin's {@code --command-config}): workers no longer need to know prices.
 *
 * <p>Every pattern lies inside the tenant's topic prefix, so no principal of one tenant can touch
 * another tenant's resources.
 */
final class TenantAcls {
  /** The principal names of one tenant, without the {@code User:} type. */
  record Principals(String worker, String topology, String reader) {
    static Principals defaults(String tenant) {
      String prefix = tenant.isEmpty() ? "" : tenant + "-";
      return new Principals(prefix + "worker", prefix + "topology", prefix + "reader");
    }
  }

  /** The tenant's topic names. */
  record Topics(
      String events,
      String runs,
      String usage,
      String deadLetter,
      String control,
      String budgets,
      String budgetEvents) {
    static Topics of(String tenant) {
      String prefix = TenantConfigs.topicPrefix(tenant);
      return new Topics(
          prefix + "agent-events",
          prefix + "workflow-runs",
          prefix + "usage-aggregates",
          prefix + "agent-events-dlq",
          prefix + "agent-control",
          prefix + "budgets",
          prefix + "budget-events");
    }
  }

  private TenantAcls() {}

  /**
   * The ACLs of a tenant.
   *
   * @param tenant the tenant id, or empty for the single-tenant topics
   * @param applicationId the topology's {@code application.id}
   * @param principals the principal names
   * @return the bindings, in a stable order
   */
  static List<AclBinding> of(String tenant, String applicationId, Principals principals) {
    Topics topics = Topics.of(tenant);
    String prices = TenantConfigs.topicPrefix(tenant) + TopicSpec.MODEL_PRICES;
    List<AclBinding> acls = new ArrayList<>();
    String worker = "User:" + principals.worker();
    String topology = "User:" + principals.topology();
    String reader = "User:" + principals.reader();

    allow(acls, worker, ResourceType.TOPIC, topics.events(), false, AclOperation.WRITE);
    allow(acls, worker, ResourceType.TOPIC, topics.events(), false, AclOperation.DESCRIBE);
    allow(acls, worker, ResourceType.TOPIC, topics.control(), false, AclOperation.READ);
    allow(acls, worker, ResourceType.TOPIC, topics.control(), false, AclOperation.DESCRIBE);

    allow(acls, topology, ResourceType.TOPIC, applicationId, true, AclOperation.ALL);
    allow(acls, topology, ResourceType.GROUP, applicationId, true, AclOperation.READ);
    allow(acls, topology, ResourceType.GROUP, applicationId, true, AclOperation.DESCRIBE);
    allow(acls, topology, ResourceType.TRANSACTIONAL_ID, applicationId, true, AclOperation.WRITE);
    allow(
        acls, topology, ResourceType.TRANSACTIONAL_ID, applicationId, true, AclOperation.DESCRIBE);
    allow(acls, topology, ResourceType.TOPIC, topics.events(), false, AclOperation.READ);
    allow(acls, topology, ResourceType.TOPIC, topics.events(), false, AclOperation.DESCRIBE);
    allow(acls, topology, ResourceType.TOPIC, prices, false, AclOperation.READ);
    allow(acls, topology, ResourceType.TOPIC, prices, false, AclOperation.DESCRIBE);
    allow(acls, topology, ResourceType.TOPIC, topics.budgets(), false, AclOperation.READ);
    allow(acls, topology, ResourceType.TOPIC, topics.budgets(), false, AclOperation.DESCRIBE);
    for (String output :
        List.of(
            topics.runs(),
            topics.usage(),
            topics.deadLetter(),
            topics.control(),
            topics.budgetEvents())) {
      allow(acls, topology, ResourceType.TOPIC, output, false, AclOperation.WRITE);
      allow(acls, topology, ResourceType.TOPIC, output, false, AclOperation.DESCRIBE);
    }
    allow(acls, topology, ResourceType.TOPIC, topics.runs(), false, AclOperation.DESCRIBE_CONFIGS);

    for (String readable :
        List.of(
            topics.events(),
            topics.runs(),
            topics.usage(),
            prices,
            topics.budgets(),
            topics.budgetEvents())) {
      allow(acls, reader, ResourceType.TOPIC, readable, false, AclOperation.READ);
      allow(acls, reader, ResourceType.TOPIC, readable, false, AclOperation.DESCRIBE);
    }
    allow(acls, reader, ResourceType.TOPIC, topics.control(), false, AclOperation.WRITE);
    allow(acls, reader, ResourceType.TOPIC, topics.control(), false, AclOperation.DESCRIBE);
    if (!tenant.isEmpty()) {
      allow(
          acls,
          reader,
          ResourceType.GROUP,
          TenantConfigs.topicPrefix(tenant),
          true,
          AclOperation.READ);
    }
    return List.copyOf(acls);
  }

  private static void allow(
      List<AclBinding> acls,
      String principal,
      ResourceType type,
      String name,
      boolean prefixed,
      AclOperation operation) {
    acls.add(
        new AclBinding(
            new ResourcePattern(type, name, prefixed ? PatternType.PREFIXED : PatternType.LITERAL),
            new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
  }

  /**
   * Waits until the broker's authorizer answers with every binding. The controller has committed
   * them when {@code createAcls} returns, but the broker applies them a moment later: a client
   * started right after, such as the topology, would otherwise find none of its topics.
   *
   * @throws TimeoutException if they are not all in force within {@code timeout}
   */
  static void awaitInForce(Admin admin, List<AclBinding> acls, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!admin
        .describeAcls(AclBindingFilter.ANY)
        .values()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .containsAll(acls)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the ACLs were not in force within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
