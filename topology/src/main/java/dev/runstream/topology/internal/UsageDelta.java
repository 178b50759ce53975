package dev.runstream.topology.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What one applied event added to a run's usage, sent to the windowed budget check keyed by tenant
 * (through a repartition topic only this application reads).
 */
public record UsageDelta(
    String tenantId,
    String workflowId,
    String rootWorkflowId,
    String agentId,
    long sequence,
    long tokens,
    BigDecimal cost,
    Instant timestamp) {
  private static final byte VERSION = 1;

  /** The crossing this delta would be, if it crossed. */
  public BudgetRules.Crossing crossing() {
    return new BudgetRules.Crossing(
        workflowId, rootWorkflowId, tenantId, agentId, sequence, timestamp);
  }

  /** The serde of the repartition topic: a version byte, then the fields. */
  public static Serde<UsageDelta> serde() {
    return Serdes.serdeFrom(
        (topic, d) -> {
          if (d == null) {
            return null;
          }
          try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(d.tenantId);
            out.writeUTF(d.workflowId);
            out.writeUTF(d.rootWorkflowId);
            out.writeUTF(d.agentId == null ? "" : d.agentId);
            out.writeLong(d.sequence);
            out.writeLong(d.tokens);
            byte[] unscaled =
                d.cost.setScale(WorkflowState.COST_SCALE).unscaledValue().toByteArray();
            out.writeShort(unscaled.length);
            out.write(unscaled);
            out.writeLong(d.timestamp.toEpochMilli());
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new SerializationException(e);
          }
        },
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            if (in.readByte() != VERSION) {
              throw new SerializationException("unsupported usage delta format");
            }
            String tenant = in.readUTF();
            String workflow = in.readUTF();
            String root = in.readUTF();
            String agent = in.readUTF();
            long sequence = in.readLong();
            long tokens = in.readLong();
            byte[] unscaled = new byte[in.readUnsignedShort()];
            in.readFully(unscaled);
            BigDecimal cost = new BigDecimal(new BigInteger(unscaled), WorkflowState.COST_SCALE);
            Instant at = Instant.ofEpochMilli(in.readLong());
            return new UsageDelta(
                tenant, workflow, root, agent.isEmpty() ? null : agent, sequence, tokens, cost, at);
          } catch (IOException e) {
            throw new SerializationException(e);
          }
        });
  }
}
