package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.cli.Main;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.tune.TrialRecord;
import io.sparktrain.tune.TrialsCsv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune.placement = cluster} on local[2]: one trial at a time, each trained like {@code train} with
 * parameter averaging over both workers in its own run directory; the trial ASHA promotes continues from
 * the checkpoint of its pause at the rung.
 */
class TuneOnClusterIT {
  @TempDir
  Path dir;

  @Test
  void trialsTrainWithParameterAveraging_andThePromotedOneResumesFromItsRungsCheckpoint() throws Exception {
    Path search = dir.resolve("search");
    StringWriter out = new StringWriter();
    List<String> args = new ArrayList<>(List.of("tune", "--config", "conf/fashion-mnist-sample.conf", "--space",
        "src/test/resources/tune/it-space.conf", "--output", search.toString(), "--master", "local[2]",
        "--trials", "3", "--max-epochs", "2", "--set", "tune.placement=cluster"));
    args.addAll(TuneIT.SAMPLE_1K);
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains("one trial at a time with parameter averaging on 2 workers", "1 at a time");
    List<TrialRecord> trials = TrialsCsv.read(Files.readString(search.resolve("trials.csv")));
    assertThat(trials).hasSize(3);
    List<TrialRecord> completed = trials.stream().filter(t -> t.status() == TrialRecord.Status.COMPLETED).toList();
    assertThat(completed).as("the top third of rung 0 went on to 2 epochs").hasSize(1);
    TrialRecord promoted = completed.get(0);
    Path run = search.resolve(String.format("trials/trial-%04d", promoted.number()));
    SummaryFile s = RunJson.summary(Files.readString(run.resolve("summary.json")), "summary.json");
    assertThat(s.status()).isEqualTo(SummaryFile.Status.COMPLETED);
    assertThat(s.spark().defaultParallelism()).as("trained on both workers").isEqualTo(2);
    List<MetricsLine> lines = RunJson.metrics(Files.readString(run.resolve("metrics.jsonl")), "metrics.jsonl");
    assertThat(lines).filteredOn(l -> l instanceof MetricsLine.Resume).as("it resumed from its pause at epoch 1")
        .singleElement().satisfies(l -> assertThat(((MetricsLine.Resume) l).epoch()).isEqualTo(2));
    assertThat(lines.stream().filter(l -> l instanceof MetricsLine.Epoch).count()).isEqualTo(2);
    for (TrialRecord t : trials) {
      if (t.status() == TrialRecord.Status.STOPPED) {
        SummaryFile paused = RunJson.summary(Files.readString(search.resolve(String.format(
            "trials/trial-%04d/summary.json", t.number()))), "summary.json");
        assertThat(paused.status()).as("paused at its rung, resumable").isEqualTo(SummaryFile.Status.INTERRUPTED);
        assertThat(paused.checkpoint()).isNotBlank();
      }
    }
    assertThat(Files.readString(search.resolve("best.conf"))).doesNotContain("workers=1");
    assertThat(out.toString()).contains("test accuracy");
  }
}
