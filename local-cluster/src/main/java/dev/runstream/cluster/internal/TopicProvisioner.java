package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import dev.runstream.cluster.TopicSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics idempotently: a topic that already exists is left as it is. Returns once every
 * partition of every topic has a leader, since the controller acknowledges a creation before the
 * broker has taken leadership of the new partitions, and a producer's first batches to such a
 * partition otherwise wait on metadata retries.
 */
public final class TopicProvisioner {

  private TopicProvisioner() {}

  /**
   * Creates the missing topics with replication factor 1 and waits until each partition of each
   * topic has a leader.
   *
   * @param adminConfig admin client settings
   * @param topics the topics
   * @param deadline when to give up on retriable errors
   * @throws LocalClusterException if a topic cannot be created or has a partition without a leader
   *     at the deadline
   */
  public static void createMissing(
      Map<String, Object> adminConfig, List<TopicSpec> topics, Instant deadline) {
    List<TopicSpec> pending = new ArrayList<>(topics);
    try (Admin admin = Admin.create(adminConfig)) {
      while (true) {
        List<NewTopic> requests = new ArrayList<>();
        for (TopicSpec topic : pending) {
          requests.add(
              new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.configs()));
        }
        CreateTopicsResult result = admin.createTopics(requests);
        List<TopicSpec> retry = new ArrayList<>();
        for (TopicSpec topic : pending) {
          try {
            result.values().get(topic.name()).get(30, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TopicExistsException) {
              continue;
            }
            // A broker that has just started may still be fenced and count as zero brokers.
            boolean transientError =
                cause instanceof RetriableException
                    || cause instanceof InvalidReplicationFactorException;
            if (!transientError || !Instant.now().isBefore(deadline)) {
              throw new LocalClusterException("Cannot create topic " + topic, cause);
            }
            retry.add(topic);
          } catch (TimeoutException e) {
            throw new LocalClusterException("Creating topic " + topic + " timed out", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalClusterException("Interrupted while creating topics", e);
          }
        }
        if (retry.isEmpty()) {
          awaitLeaders(admin, topics, deadline);
          return;
        }
        pending = retry;
        Readiness.pause();
      }
    }
  }

  private static void awaitLeaders(Admin admin, List<TopicSpec> topics, Instant deadline) {
    List<String> names = topics.stream().map(TopicSpec::name).toList();
    String leaderless = null;
    while (true) {
      try {
        leaderless =
            firstLeaderless(admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS));
        if (leaderless == null) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || !Instant.now().isBefore(deadline)) {
          throw new LocalClusterException("Cannot describe topics " + names, e.getCause());
        }
      } catch (TimeoutException e) {
        throw new LocalClusterException("Describing topics " + names + " timed out", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalClusterException("Interrupted while waiting for partition leaders", e);
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new LocalClusterException(
            "Not every partition of "
                + names
                + " has a leader before the deadline"
                + (leaderless == null ? "" : " (first without one: " + leaderless + ")"));
      }
      Readiness.pause();
    }
  }

  private static String firstLeaderless(Map<String, TopicDescription> descriptions) {
    for (TopicDescription description : descriptions.values()) {
      for (TopicPartitionInfo partition : description.partitions()) {
        if (partition.leader() == null || partition.leader().isEmpty()) {
          return description.name() + "-" + partition.partition();
        }
      }
    }
    return null;
  }
}
