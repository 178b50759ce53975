package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventTypeTest {

  @Test
  void shouldMapEveryPayloadToItsPolosNameWhenGivenOneEventOfEachType() {
    List<String> names =
        SampleEvents.everyType().stream().map(e -> EventType.of(e).wireName()).toList();

    assertThat(names)
        .containsExactly(
            "agent_start",
            "step_start",
            "text_delta",
            "tool_call",
            "step_finish",
            "agent_finish",
            "error");
  }

  @Test
  void shouldCoverEveryBranchOfThePayloadUnionWhenSchemaChanges() {
    var union = AgentEvent.getClassSchema().getField("payload").schema().getTypes();

    assertThat(union).hasSize(EventType.values().length);
    for (EventType type : EventType.values()) {
      assertThat(union)
          .anySatisfy(s -> assertThat(s.getFullName()).isEqualTo(type.payloadType().getName()));
    }
  }

  @Test
  void shouldRoundTripWireNamesAndRejectUnknownOnes() {
    for (EventType type : EventType.values()) {
      assertThat(EventType.fromWireName(type.wireName())).isEqualTo(type);
    }
    assertThatThrownBy(() -> EventType.fromWireName("agent_paused"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent_paused");
  }

  @Test
  void shouldTreatOnlyFinishAndErrorAsTerminal() {
    assertThat(EventType.values())
        .filteredOn(EventType::isTerminal)
        .containsExactlyInAnyOrder(EventType.AGENT_FINISH, EventType.ERROR);
  }
}
