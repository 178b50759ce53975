package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class TenantAclsTest {
  private static final List<AclBinding> ACME =
      TenantAcls.of("acme", "acme.runstream-topology", TenantAcls.Principals.defaults("acme"));

  private static List<AclBinding> of(String principal) {
    return ACME.stream().filter(a -> a.entry().principal().equals("User:" + principal)).toList();
  }

  @Test
  void shouldGiveTheWorkerOnlyWriteOnEventsAndReadOnControlWhenGranted() {
    assertThat(of("acme-worker"))
        .extracting(a -> a.pattern().name() + " " + a.entry().operation())
        .containsExactlyInAnyOrder(
            "acme.agent-events WRITE",
            "acme.agent-events DESCRIBE",
            "acme.agent-control READ",
            "acme.agent-control DESCRIBE");
  }

  @Test
  void shouldScopeEveryPatternToTheTenantWhenGranted() {
    assertThat(ACME).isNotEmpty();
    for (AclBinding acl : ACME) {
      assertThat(acl.pattern().name()).as(acl.toString()).startsWith("acme.");
      assertThat(acl.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
      assertThat(acl.entry().host()).isEqualTo("*");
      assertThat(acl.entry().principal()).startsWith("User:acme-");
    }
  }

  @Test
  void shouldGiveTheTopologyItsApplicationIdPrefixesWhenGranted() {
    List<AclBinding> topology = of("acme-topology");
    assertThat(topology)
        .filteredOn(a -> a.pattern().patternType() == PatternType.PREFIXED)
        .extracting(a -> a.pattern().resourceType() + " " + a.entry().operation())
        .containsExactlyInAnyOrder(
            "TOPIC ALL",
            "GROUP READ",
            "GROUP DESCRIBE",
            "TRANSACTIONAL_ID WRITE",
            "TRANSACTIONAL_ID DESCRIBE");
    assertThat(topology)
        .filteredOn(a -> a.pattern().patternType() == PatternType.PREFIXED)
        .allMatch(a -> a.pattern().name().equals("acme.runstream-topology"));
    assertThat(topology)
        .anyMatch(
            a ->
                a.pattern().name().equals("acme.agent-events")
                    && a.entry().operation() == AclOperation.READ);
    assertThat(topology)
        .noneMatch(
            a ->
                a.pattern().name().equals("acme.agent-events")
                    && a.entry().operation() == AclOperation.WRITE);
  }

  @Test
  void shouldLetTheReaderWriteOnlyTheControlTopicWhenGranted() {
    List<AclBinding> reader = of("acme-reader");
    assertThat(reader)
        .filteredOn(a -> !a.pattern().name().equals("acme.agent-control"))
        .extracting(a -> a.entry().operation())
        .containsOnly(AclOperation.READ, AclOperation.DESCRIBE);
    assertThat(reader)
        .filteredOn(a -> a.pattern().name().equals("acme.agent-control"))
        .extracting(a -> a.entry().operation())
        .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
    assertThat(reader)
        .filteredOn(a -> a.pattern().resourceType() == ResourceType.TOPIC)
        .extracting(a -> a.pattern().name())
        .containsOnly(
            "acme.agent-events",
            "acme.workflow-runs",
            "acme.usage-aggregates",
            "acme.agent-control",
            "acme.model-prices",
            "acme.budgets",
            "acme.budget-events");
  }

  @Test
  void shouldLetTheTopologyReadThePriceLedgerButNobodyWriteItWhenGranted() {
    assertThat(of("acme-topology"))
        .filteredOn(a -> a.pattern().name().equals("acme.model-prices"))
        .extracting(a -> a.pattern().patternType() + " " + a.entry().operation())
        .containsExactlyInAnyOrder("LITERAL READ", "LITERAL DESCRIBE");
    assertThat(ACME)
        .filteredOn(a -> a.pattern().name().equals("acme.model-prices"))
        .noneMatch(a -> a.entry().operation() == AclOperation.WRITE);
  }

  @Test
  void shouldLetOnlyTheTopologyReadBudgetsAndWriteBudgetEventsWhenGranted() {
    assertThat(ACME)
        .filteredOn(a -> a.pattern().name().equals("acme.budgets"))
        .extracting(a -> a.entry().principal() + " " + a.entry().operation())
        .containsExactlyInAnyOrder(
            "User:acme-topology READ",
            "User:acme-topology DESCRIBE",
            "User:acme-reader READ",
            "User:acme-reader DESCRIBE");
    assertThat(ACME)
        .filteredOn(a -> a.pattern().name().equals("acme.budget-events"))
        .extracting(a -> a.entry().principal() + " " + a.entry().operation())
        .containsExactlyInAnyOrder(
            "User:acme-topology WRITE",
            "User:acme-topology DESCRIBE",
            "User:acme-reader READ",
            "User:acme-reader DESCRIBE");
  }
}
