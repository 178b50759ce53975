package dev.runstream.topology;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroSerde;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetExceeded;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.WorkflowRun;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes of the topology's external topics: the events, the price ledger and the budgets
 * it reads, the runs, usage aggregates, budget events and cancel requests it writes. Keys are
 * strings. Internal topics (changelogs, repartition) never use these: they carry plain Avro binary
 * that only this application reads, so a registry outage cannot stall state restoration and no
 * registry subjects are created for them.
 *
 * <p>Production uses {@link #registry(AvroSerdeConfig)}: Avro in the Confluent wire format against
 * a Confluent-API schema registry. Tests may pass any serdes, for example the same serdes over an
 * in-memory {@link SchemaRegistry}.
 *
 * @param events serde of the events topic's values
 * @param runs serde of the runs topic's values
 * @param aggregates serde of the usage topic's values
 * @param prices serde of the price ledger topic's values; the topology reads it leniently: a value
 *     it cannot decode counts as no version (see {@link WorkflowTopology})
 * @param budgets serde of the budgets topic's values
 * @param budgetEvents serde of the budget-events topic's values
 * @param control serde of the control topic's values
 */
public record TopologySerdes(
    Serde<AgentEvent> events,
    Serde<WorkflowRun> runs,
    Serde<UsageAggregate> aggregates,
    Serde<PriceVersion> prices,
    Serde<Budget> budgets,
    Serde<BudgetExceeded> budgetEvents,
    Serde<ControlCommand> control) {

  /** Validates that no serde is null. */
  public TopologySerdes {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(runs, "runs");
    Objects.requireNonNull(aggregates, "aggregates");
    Objects.requireNonNull(prices, "prices");
    Objects.requireNonNull(budgets, "budgets");
    Objects.requireNonNull(budgetEvents, "budgetEvents");
    Objects.requireNonNull(control, "control");
  }

  /**
   * Confluent-wire-format Avro serdes sharing one registry client (and cache).
   *
   * @param config the registry client configuration
   * @return the serdes
   */
  public static TopologySerdes registry(AvroSerdeConfig config) {
    return registry(config, SchemaRegistry.connect(config));
  }

  /**
   * Confluent-wire-format Avro serdes over a given registry client.
   *
   * @param config serializer settings such as {@code auto.register.schemas}
   * @param registry the registry client
   * @return the serdes
   */
  public static TopologySerdes registry(AvroSerdeConfig config, SchemaRegistry registry) {
    return new TopologySerdes(
        AvroSerde.specific(AgentEvent.class, config, registry, false),
        AvroSerde.specific(WorkflowRun.class, config, registry, false),
        AvroSerde.specific(UsageAggregate.class, config, registry, false),
        AvroSerde.specific(PriceVersion.class, config, registry, false),
        AvroSerde.specific(Budget.class, config, registry, false),
        AvroSerde.specific(BudgetExceeded.class, config, registry, false),
        AvroSerde.specific(ControlCommand.class, config, registry, false));
  }
}
