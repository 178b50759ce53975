package dev.runstream.cli.internal;

import dev.runstream.cli.CliConfig;
import dev.runstream.producer.ModelPrice;
import dev.runstream.producer.PriceLedger;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream prices set|list|retract}: the versioned price ledger ({@code model-prices}),
 * from which the topology prices every step's token usage at the event's time.
 */
@Command(
    name = "prices",
    description = "The versioned price ledger: set, list or retract model prices.",
    mixinStandardHelpOptions = true,
    subcommands = {
      PricesCommand.Set.class,
      PricesCommand.ListVersions.class,
      PricesCommand.Retract.class
    })
final class PricesCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(root.err);
    return ExitCodes.USAGE;
  }

  PublisherConfig publisherConfig() {
    CliConfig config = root.config();
    return Connections.publisherConfig(
        config, config.bootstrapServers(), config.schemaRegistryUrl());
  }

  static Instant instant(String value, String option) {
    if (value == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CliException(
          ExitCodes.USAGE,
          option + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, got '" + value + "'",
          e);
    }
  }

  static BigDecimal price(String value, String option) {
    try {
      return new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw new CliException(
          ExitCodes.USAGE, option + " must be a decimal number, got '" + value + "'", e);
    }
  }

  /** A price as printed: plain decimal, no trailing zeros. */
  static String usd(BigDecimal perMillion) {
    return perMillion.stripTrailingZeros().toPlainString();
  }

  static CliException failure(PublishException e) {
    return new CliException(
        e.isRetriable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILURE, e.getMessage(), e);
  }

  /** {@code runstream prices set MODEL --input X --output Y [--effective-from T] [--note N]}. */
  @Command(
      name = "set",
      description =
          "Publish a price version: USD per million tokens, effective from an instant (default"
              + " now). Events timestamped at or after it are priced with it.",
      mixinStandardHelpOptions = true)
  static final class Set implements Callable<Integer> {
    @ParentCommand PricesCommand parent;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model name.")
    String model;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "USD",
        description = "USD per million input tokens (at most 6 decimal places).")
    String input;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "USD",
        description = "USD per million output tokens (at most 6 decimal places).")
    String output;

    @Option(
        names = "--effective-from",
        paramLabel = "TIME",
        description = "ISO-8601 instant from which the price applies (default: now).")
    String effectiveFrom;

    @Option(names = "--note", paramLabel = "TEXT", description = "Where the price comes from.")
    String note;

    @Override
    public Integer call() {
      ModelPrice price;
      Instant from = instant(effectiveFrom, "--effective-from");
      try {
        price = new ModelPrice(model, price(input, "--input"), price(output, "--output"));
        PriceLedger.version(price, from, note);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
      PublisherConfig config = parent.publisherConfig();
      try (PriceLedger ledger = PriceLedger.create(config)) {
        PriceVersion version = ledger.publish(price, from, note);
        parent.root.out.println(
            "Published "
                + PriceVersions.key(version)
                + " to "
                + config.pricesTopic()
                + ": input "
                + usd(version.getInputPerMillion())
                + ", output "
                + usd(version.getOutputPerMillion())
                + " USD per million tokens, effective from "
                + version.getEffectiveFrom());
        parent.root.out.flush();
        return ExitCodes.OK;
      } catch (PublishException e) {
        throw failure(e);
      }
    }
  }

  /** {@code runstream prices list [--model M]}. */
  @Command(
      name = "list",
      description = "List every live price version, by model and effective-from.",
      mixinStandardHelpOptions = true)
  static final class ListVersions implements Callable<Integer> {
    @ParentCommand PricesCommand parent;

    @Option(names = "--model", paramLabel = "MODEL", description = "Only this model.")
    String model;

    @Override
    public Integer call() {
      List<PriceVersion> versions;
      try (PriceLedger ledger = PriceLedger.create(parent.publisherConfig())) {
        versions = ledger.versions();
      } catch (PublishException e) {
        throw failure(e);
      }
      TextTable table =
          new TextTable("MODEL", "EFFECTIVE FROM", "INPUT/M", "OUTPUT/M", "NOTE").rightAlign(2, 3);
      for (PriceVersion v : versions) {
        if (model == null || model.equals(v.getModel())) {
          table.row(
              v.getModel(),
              v.getEffectiveFrom().toString(),
              usd(v.getInputPerMillion()),
              usd(v.getOutputPerMillion()),
              v.getNote());
        }
      }
      table.print(parent.root.out);
      parent.root.out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code runstream prices retract MODEL --effective-from T}. */
  @Command(
      name = "retract",
      description = "Retract one price version (a tombstone on its key).",
      mixinStandardHelpOptions = true)
  static final class Retract implements Callable<Integer> {
    @ParentCommand PricesCommand parent;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model name.")
    String model;

    @Option(
        names = "--effective-from",
        required = true,
        paramLabel = "TIME",
        description = "The ISO-8601 effective-from instant of the version to retract.")
    String effectiveFrom;

    @Override
    public Integer call() {
      Instant from = instant(effectiveFrom, "--effective-from");
      String key;
      try {
        key = PriceVersions.key(model, from);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
      try (PriceLedger ledger = PriceLedger.create(parent.publisherConfig())) {
        ledger.retract(model, from);
      } catch (PublishException e) {
        throw failure(e);
      }
      parent.root.out.println("Retracted " + key);
      parent.root.out.flush();
      return ExitCodes.OK;
    }
  }
}
