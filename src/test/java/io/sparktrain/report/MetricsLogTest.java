package io.sparktrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.RoundMetrics;
import io.sparktrain.train.StallEvent;
import io.sparktrain.train.TrainTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer side of metrics.jsonl: what {@link MetricsLog} writes parses back, with golden/metrics.jsonl's keys. */
class MetricsLogTest {
  private static final ObjectMapper TREE = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void everyEvent_parsesBackIntoItsRecord_withTheGoldenKeysInOrder() throws IOException {
    MetricsLog log = new MetricsLog(RunDirectory.create(dir.toString(), new Configuration()));
    log.roundDone(new RoundMetrics(1, 1, 17, 10, 320, 2.284, 3.59, 3.59, 10, 320, 0.001));
    log.recovery(new Recovery(1, 2, "the training loss is NaN", 0.0035, 0.0007));
    log.stall(new StallEvent(1, 2, StallEvent.Type.BOOST, "stall", 0.0035, 0.035, 2.3011, "raised"));
    log.diagnosis(new Diagnosis("exploding", 1, 2, List.of(), "nonFinite", Double.NaN, "gradients explode"));
    log.roundHealth(1, 0, List.of(new LayerHealth(0, "conv", 0.698, -3.02, 0.405, 0.0),
        new LayerHealth(1, "subsampling", Double.NaN, Double.NaN, 0.465, Double.NaN)));
    log.epochDone(new EpochMetrics(1, 1.095, 0.676, 0.769, 137.8, 39.26, 2.82, new TrainTime(31.0, 3.9, 0.4, 3.96), 0.001), 8);
    log.flush();

    String written = Files.readString(dir.resolve(MetricsLog.FILE));
    List<MetricsLine> lines = RunJson.metrics(written, MetricsLog.FILE);
    assertThat(lines).hasSize(6);
    MetricsLine.Round round = (MetricsLine.Round) lines.get(0);
    assertThat(round).isEqualTo(new MetricsLine.Round(1, 1, 10, 320, 2.284, 3.59, 0.001, round.time()));
    MetricsLine.Stall stall = (MetricsLine.Stall) lines.get(2);
    assertThat(stall).isEqualTo(new MetricsLine.Stall(1, 2, "boost", "stall", 0.0035, 0.035, 2.3011, "raised",
        stall.time()));
    assertThat(((MetricsLine.Diagnosis) lines.get(3)).value()).isNull();
    MetricsLine.Layer pooling = ((MetricsLine.Health) lines.get(4)).layers().get(1);
    assertThat(pooling).isEqualTo(new MetricsLine.Layer(2, "subsampling", null, null, 0.465, null));
    MetricsLine.Epoch epoch = (MetricsLine.Epoch) lines.get(5);
    assertThat(epoch.seconds()).isEqualTo(39.26 + 2.82);
    assertThat(epoch.trainTime()).isEqualTo(new MetricsLine.TrainTime(31.0, 3.9, 0.4, 3.96));
    assertThat(keysByType(written)).isEqualTo(keysByType(Files.readString(SummaryTest.GOLDEN.resolve("metrics.jsonl"))));
  }

  /** The keys of each line type's first line, in the order written. */
  private static Map<String, List<String>> keysByType(String jsonl) throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : jsonl.lines().toList()) {
      JsonNode node = TREE.readTree(line);
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      out.putIfAbsent(node.get("type").asText(), keys);
    }
    return out;
  }
}
