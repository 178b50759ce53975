package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.cli.CliConfig;
import dev.runstream.schemas.AvroSerde;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetPeriod;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.Budgets;
import dev.runstream.schemas.TenantConfigs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream budget set|list|delete}: the token and cost budgets the topology enforces, as
 * {@code Budget} records on the compacted budgets topic ({@code <tenant>.budgets} for a tenant),
 * keyed by {@code AGENT:<agent>} or {@code TENANT:<tenant>}.
 */
@Command(
    name = "budget",
    description = {
      "Set, list or delete token and cost budgets (the budgets topic, enforced by the topology:",
      "a run that crosses one is cancelled)."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      BudgetCommand.Set.class,
      BudgetCommand.ListBudgets.class,
      BudgetCommand.Delete.class
    })
final class BudgetCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand RootCommand root;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "The budgets topic (default: budgets, with the tenant's prefix).")
  String topic;

  @Override
  public Integer call() {
    root.out.println("Usage: runstream budget set|list|delete (see runstream budget --help)");
    root.out.flush();
    return ExitCodes.USAGE;
  }

  String topic() {
    return topic != null ? topic : TenantConfigs.topicPrefix(root.config().tenantId()) + "budgets";
  }

  /** Whose budget: exactly one of --agent and --tenant. */
  static final class Target {
    @Option(names = "--agent", paramLabel = "AGENT", required = true, description = "An agent id.")
    String agent;

    @Option(
        names = "--tenant",
        paramLabel = "TENANT",
        required = true,
        description = "A tenant id.")
    String tenant;

    BudgetScope scope() {
      return agent != null ? BudgetScope.AGENT : BudgetScope.TENANT;
    }

    String key() {
      return agent != null ? agent : tenant;
    }

    String recordKey() {
      return Budgets.recordKey(scope(), key());
    }
  }

  Map<String, Object> kafka(CliConfig config) {
    Map<String, Object> props = new HashMap<>(config.securityProperties());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return props;
  }

  AvroSerdeConfig serdeConfig(CliConfig config) {
    return new AvroSerdeConfig(
        Map.of(
            AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
            config.schemaRegistryUrl(),
            AvroSerdeConfig.REGISTRY_REQUEST_TIMEOUT_MS_CONFIG,
            (int) config.connectTimeout().toMillis()));
  }

  void send(String key, byte[] value) {
    CliConfig config = root.config();
    Map<String, Object> props = kafka(config);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.connectTimeout().toMillis());
    props.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.connectTimeout().toMillis() + 1000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.connectTimeout().toMillis());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(topic(), key, value))
          .get(config.connectTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (cause instanceof AuthorizationException) {
        throw denied("write", cause);
      }
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "could not write to the budgets topic " + topic() + ": " + cause,
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
    }
  }

  /** Budgets are an operator's: a tenant's principals may read them, not write them. */
  CliException denied(String what, Throwable cause) {
    return new CliException(
        ExitCodes.FAILURE,
        "not authorized to "
            + what
            + " the budgets topic "
            + topic()
            + " ("
            + cause.getMessage()
            + "); budgets are set with an operator's admin principal (--command-config)",
        cause);
  }

  /** {@code runstream budget set}. */
  @Command(
      name = "set",
      description = {
        "Set the budget of an agent (each of its runs) or a tenant (each run, or its runs' total"
            + " per UTC hour or day). A run that crosses it is cancelled by the topology.",
        "Example: runstream budget set --agent researcher --max-tokens 50000 --max-cost 0.50"
      },
      mixinStandardHelpOptions = true)
  static final class Set implements Callable<Integer> {
    @ParentCommand BudgetCommand parent;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Limit on total tokens.")
    Long maxTokens;

    @Option(
        names = "--max-cost",
        paramLabel = "USD",
        description = "Limit on cost in US dollars (exact decimal, e.g. 0.25).")
    BigDecimal maxCost;

    @Option(
        names = "--period",
        paramLabel = "PERIOD",
        description =
            "PER_RUN (default; each run on its own), HOUR or DAY (a tenant's total per UTC hour or"
                + " day).")
    BudgetPeriod period = BudgetPeriod.PER_RUN;

    @Option(
        names = "--updated-by",
        paramLabel = "NAME",
        description = "Who sets it (default: the user name of this process).")
    String updatedBy;

    @Option(names = "--json", description = "Print the budget as JSON.")
    boolean json;

    @Override
    public Integer call() {
      CliConfig config = parent.root.config();
      String problem = problem();
      if (problem != null) {
        throw new CliException(ExitCodes.USAGE, problem, null);
      }
      Budget budget =
          Budget.newBuilder()
              .setScope(target.scope())
              .setKey(target.key())
              .setMaxTokens(maxTokens)
              .setMaxCostUsd(maxCost == null ? null : maxCost.setScale(12))
              .setPeriod(period)
              .setUpdatedAt(Instant.now())
              .setUpdatedBy(updatedBy != null ? updatedBy : System.getProperty("user.name"))
              .build();
      Connections.requireRegistry(config);
      Serializer<Budget> serializer =
          AvroSerde.specific(Budget.class, parent.serdeConfig(config)).serializer();
      parent.send(target.recordKey(), serializer.serialize(parent.topic(), budget));
      if (json) {
        parent.root.out.println(BudgetCommand.json(target.recordKey(), budget));
      } else {
        parent.root.out.println("Budget " + target.recordKey() + " set: " + limits(budget));
      }
      parent.root.out.flush();
      return ExitCodes.OK;
    }

    private String problem() {
      if (target.key().isBlank()) {
        return "the agent or tenant id must not be blank";
      }
      if (maxTokens == null && maxCost == null) {
        return "give --max-tokens, --max-cost or both";
      }
      if (maxTokens != null && maxTokens < 1) {
        return "--max-tokens must be at least 1, got " + maxTokens;
      }
      if (maxCost != null && maxCost.signum() <= 0) {
        return "--max-cost must be above 0, got " + maxCost.toPlainString();
      }
      if (maxCost != null && maxCost.scale() > 12) {
        return "--max-cost has more than 12 decimal places: " + maxCost.toPlainString();
      }
      if (period == BudgetPeriod.UNKNOWN) {
        return "--period must be PER_RUN, HOUR or DAY";
      }
      if (target.scope() == BudgetScope.AGENT && period != BudgetPeriod.PER_RUN) {
        return "agent budgets are PER_RUN; HOUR and DAY are for --tenant";
      }
      return null;
    }
  }

  /** {@code runstream budget delete}. */
  @Command(
      name = "delete",
      description = "Remove the budget of an agent or a tenant (a tombstone on the budgets topic).",
      mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @ParentCommand BudgetCommand parent;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Override
    public Integer call() {
      parent.send(target.recordKey(), null);
      parent.root.out.println("Budget " + target.recordKey() + " deleted");
      parent.root.out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code runstream budget list}. */
  @Command(
      name = "list",
      description = "List the budgets in force (the budgets topic, read to its end).",
      mixinStandardHelpOptions = true)
  static final class ListBudgets implements Callable<Integer> {
    @ParentCommand BudgetCommand parent;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public Integer call() {
      CliConfig config = parent.root.config();
      Connections.requireRegistry(config);
      Map<String, Budget> budgets = read(config);
      if (json) {
        ArrayNode array = JSON.createArrayNode();
        budgets.forEach((key, budget) -> array.add(BudgetCommand.json(key, budget)));
        parent.root.out.println(array);
      } else if (budgets.isEmpty()) {
        parent.root.out.println("No budgets on " + parent.topic() + ".");
      } else {
        TextTable table =
            new TextTable("BUDGET", "PERIOD", "MAX TOKENS", "MAX COST USD", "UPDATED");
        table.rightAlign(2, 3);
        budgets.forEach(
            (key, b) ->
                table.row(
                    key,
                    b.getPeriod().name(),
                    b.getMaxTokens() == null ? "-" : Long.toString(b.getMaxTokens()),
                    b.getMaxCostUsd() == null ? "-" : plain(b.getMaxCostUsd()),
                    b.getUpdatedAt()
                        + (b.getUpdatedBy() == null ? "" : " by " + b.getUpdatedBy())));
        table.print(parent.root.out);
      }
      parent.root.out.flush();
      return ExitCodes.OK;
    }

    private Map<String, Budget> read(CliConfig config) {
      Map<String, Object> props = parent.kafka(config);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      props.put(
          ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.connectTimeout().toMillis());
      Deserializer<Budget> deserializer =
          AvroSerde.specific(Budget.class, parent.serdeConfig(config)).deserializer();
      Map<String, Budget> out = new TreeMap<>();
      String topic = parent.topic();
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic, config.connectTimeout()).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + config.connectTimeout().multipliedBy(3).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          if (System.nanoTime() > deadline) {
            throw new CliException(
                ExitCodes.UNREACHABLE, "timed out reading the budgets topic " + topic, null);
          }
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.value() == null) {
              out.remove(r.key());
              continue;
            }
            try {
              out.put(r.key(), deserializer.deserialize(topic, r.value()));
            } catch (RuntimeException e) {
              out.remove(r.key()); // not a budget; the topology refuses it too
            }
          }
        }
      } catch (AuthorizationException e) {
        throw parent.denied("read", e);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new CliException(
            ExitCodes.UNREACHABLE, "could not read the budgets topic " + topic + ": " + e, e);
      }
      return out;
    }
  }

  static String limits(Budget b) {
    StringBuilder s = new StringBuilder();
    if (b.getMaxTokens() != null) {
      s.append("max ").append(b.getMaxTokens()).append(" tokens");
    }
    if (b.getMaxCostUsd() != null) {
      s.append(s.length() > 0 ? ", " : "").append("max $").append(plain(b.getMaxCostUsd()));
    }
    return s.append(" (").append(b.getPeriod()).append(')').toString();
  }

  static String plain(BigDecimal cost) {
    return cost.stripTrailingZeros().toPlainString();
  }

  static ObjectNode json(String key, Budget b) {
    ObjectNode node = JSON.createObjectNode();
    node.put("budget", key);
    node.put("scope", b.getScope().name());
    node.put("key", b.getKey());
    node.put("period", b.getPeriod().name());
    if (b.getMaxTokens() == null) {
      node.putNull("max_tokens");
    } else {
      node.put("max_tokens", b.getMaxTokens());
    }
    if (b.getMaxCostUsd() == null) {
      node.putNull("max_cost_usd");
    } else {
      node.put("max_cost_usd", plain(b.getMaxCostUsd()));
    }
    node.put("updated_at", b.getUpdatedAt().toString());
    node.put("updated_by", b.getUpdatedBy());
    return node;
  }
}
