package io.sparktrain.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.SearchSpace;
import io.sparktrain.publish.RunDirectory;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search loop with a synthetic runner (no Spark): each trial's validation accuracy follows a known
 * learning curve, {@code quality × (1 - 0.5^epochs)}, quality = 0.5 + (number mod 9) / 20, so the
 * answers are known; checkpoints are the bytes "trial N after E".
 */
class SearchTest {
  static final Config JOB = ConfigLoader.parseJob(new File("conf/fashion-mnist-sample.conf"), List.of());
  static final String SPACE = "dimensions = [{ key = model.updater.learningRate, type = loguniform, min = 1e-4, "
      + "max = 1e-2 }]\ntune { trials = 9, maxEpochs = 9, eta = 3, grace = 1 }";

  @TempDir
  Path dir;

  /** Learning curves by formula; trials in {@code failing} fail; every task is logged. */
  static final class Synthetic implements TrialRunner {
    final List<String> tasks = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> failing;
    final int dieAfter;
    final AtomicInteger done = new AtomicInteger();

    Synthetic(List<Integer> failing, int dieAfter) {
      this.failing = failing;
      this.dieAfter = dieAfter;
    }

    @Override
    public TrialResult run(TrialTask t) {
      if (done.incrementAndGet() > dieAfter) {
        throw new IllegalStateException("the driver was killed");
      }
      String had = t.checkpoint() == null ? "none" : new String(t.checkpoint(), StandardCharsets.UTF_8);
      tasks.add(t.number() + ":" + t.fromEpochs() + "->" + t.toEpochs() + " from " + had);
      if (failing.contains(t.number())) {
        return new TrialResult(t.number(), t.fromEpochs(), List.of(), null, "diverged: synthetic", "", "x", 1, 1);
      }
      List<TrialsCsv.Epoch> curve = new ArrayList<>();
      for (int e = t.fromEpochs() + 1; e <= t.toEpochs(); e++) {
        curve.add(new TrialsCsv.Epoch(t.number(), e, 1.0 / e, 1.0 / e, accuracy(t.number(), e), 1e-3, 1));
      }
      byte[] checkpoint = ("trial " + t.number() + " after " + t.toEpochs()).getBytes(StandardCharsets.UTF_8);
      return new TrialResult(t.number(), t.toEpochs(), curve, checkpoint, "", "", "exec-" + (t.number() % 2), 1, 1);
    }
  }

  static double accuracy(int trial, int epochs) {
    return (0.5 + (trial % 9) / 20.0) * (1 - Math.pow(0.5, epochs));
  }

  Search search(Synthetic runner, StringWriter out) {
    SearchSpace space = SearchSpace.of(ConfigFactory.parseString(SPACE), JOB, "space.conf");
    RunDirectory folder = RunDirectory.create(dir.resolve("search").toString(), new Configuration());
    return new Search(space, JOB, 42, folder, runner, new PrintWriter(out, true));
  }

  @Test
  void asha_withEachNewTrialTheBestSoFar_promotesEveryNewLeader() {
    Synthetic runner = new Synthetic(List.of(), Integer.MAX_VALUE);
    StringWriter out = new StringWriter();
    List<TrialRecord> trials = search(runner, out).run(List.of(), 1);
    assertThat(trials).hasSize(9);
    TrialRecord best = Search.best(trials, io.sparktrain.config.TuneConfig.Metric.VALIDATION_ACCURACY).orElseThrow();
    assertThat(best.number()).as(out.toString()).isEqualTo(8);
    assertThat(best.status()).isEqualTo(TrialRecord.Status.COMPLETED);
    assertThat(best.epochs()).isEqualTo(9);
    assertThat(best.metric()).isEqualTo(accuracy(8, 9));
    // One slot, so trials report in order, each better than all before it: asynchronous promotion takes
    // every new leader of rung 0 from the third report on (trials 2 to 8 reach 3 epochs), and of rung 1 from
    // its third on (trials 4 to 8 reach 9): 2 x 1 + 2 x 3 + 5 x 9 = 53 epochs of the 81 a full search takes.
    // (ASHA's known cost when arrivals are sorted; in random order it promotes about a third.)
    assertThat(trials.stream().filter(t -> t.rung() >= 1).map(TrialRecord::number)).containsExactly(2, 3, 4, 5, 6, 7, 8);
    assertThat(trials.stream().filter(t -> t.rung() == 2).map(TrialRecord::number)).containsExactly(4, 5, 6, 7, 8);
    assertThat(trials.stream().mapToInt(TrialRecord::epochs).sum()).isEqualTo(53);
    assertThat(trials).filteredOn(t -> t.status() == TrialRecord.Status.STOPPED)
        .allMatch(t -> t.reason().startsWith("stopped early by ASHA at rung"));
    assertThat(runner.tasks).as("a promoted trial goes on from the checkpoint its rung wrote")
        .contains("8:1->3 from trial 8 after 1", "8:3->9 from trial 8 after 3");
  }

  @Test
  void aFailedTrialIsARowWithItsReason_andTheSearchGoesOn() {
    Synthetic runner = new Synthetic(List.of(8), Integer.MAX_VALUE);
    StringWriter out = new StringWriter();
    Search search = search(runner, out);
    List<TrialRecord> trials = search.run(List.of(), 2);
    assertThat(trials).hasSize(9);
    TrialRecord failed = trials.get(8);
    assertThat(failed.status()).isEqualTo(TrialRecord.Status.FAILED);
    assertThat(failed.reason()).isEqualTo("diverged: synthetic");
    assertThat(Search.best(trials, io.sparktrain.config.TuneConfig.Metric.VALIDATION_ACCURACY).orElseThrow().number())
        .isEqualTo(7);
    RunDirectory folder = RunDirectory.open(dir.resolve("search").toString(), new Configuration());
    assertThat(TrialsCsv.read(folder.read(TrialsCsv.TRIALS))).as("trials.csv holds what the search returned")
        .isEqualTo(trials);
    assertThat(out.toString()).contains("tune: trial 8 failed: diverged: synthetic");
  }

  @Test
  void resume_continuesAKilledSearchWithoutRerunningFinishedTrials() {
    Synthetic first = new Synthetic(List.of(), 7);
    StringWriter out = new StringWriter();
    assertThatThrownBy(() -> search(first, out).run(List.of(), 1)).hasMessageContaining("the driver was killed");
    RunDirectory folder = RunDirectory.open(dir.resolve("search").toString(), new Configuration());
    List<TrialRecord> before = TrialsCsv.read(folder.read(TrialsCsv.TRIALS));
    List<Integer> reported = before.stream().filter(t -> t.epochs() > 0).map(TrialRecord::number).toList();
    assertThat(reported).as("7 tasks finished before the kill").isNotEmpty();

    Synthetic second = new Synthetic(List.of(), Integer.MAX_VALUE);
    SearchSpace space = SearchSpace.of(ConfigFactory.parseString(SPACE), JOB, "space.conf");
    Search resumed = new Search(space, JOB, 42, folder, second, new PrintWriter(out, true));
    List<TrialTask> pending = resumed.resume();
    List<TrialRecord> trials = resumed.run(pending, 1);

    Synthetic whole = new Synthetic(List.of(), Integer.MAX_VALUE);
    Path other = dir.resolve("other");
    List<TrialRecord> uninterrupted = new Search(space, JOB, 42, RunDirectory.create(other.toString(),
        new Configuration()), whole, new PrintWriter(new StringWriter(), true)).run(List.of(), 1);
    assertThat(trials).extracting(t -> List.of(t.number(), t.status(), t.rung(), t.epochs(), t.metric(), t.values()))
        .as("the resumed search ends where the uninterrupted one does").isEqualTo(uninterrupted.stream()
            .map(t -> List.of(t.number(), t.status(), t.rung(), t.epochs(), t.metric(), t.values())).toList());
    List<String> all = new ArrayList<>(first.tasks);
    all.addAll(second.tasks);
    assertThat(all).as("no task was run twice").doesNotHaveDuplicates();
    assertThat(second.tasks).as("the trial that was running goes on from its last checkpoint, or starts again")
        .allMatch(t -> !first.tasks.contains(t));
    assertThat(all).containsExactlyInAnyOrderElementsOf(whole.tasks);
  }

  @Test
  void resume_refusesAnotherJobOrSpace() {
    RunDirectory folder = RunDirectory.create(dir.resolve("s").toString(), new Configuration());
    folder.write(Search.JOB, "a = 1\n");
    folder.write(Search.SPACE, "b = 1\n");
    Search.checkSame(folder, "a = 1\n", "b = 1\n");
    assertThatThrownBy(() -> Search.checkSame(folder, "a = 2\n", "b = 1\n")).hasMessageContaining("--config")
        .hasMessageContaining("differs from the one the search");
    assertThatThrownBy(() -> Search.checkSame(folder, "a = 1\n", "b = 2\n")).hasMessageContaining("--space");
  }

  @Test
  void trialSeeds_andValuesAreRecorded() {
    Synthetic runner = new Synthetic(List.of(), Integer.MAX_VALUE);
    List<TrialRecord> trials = search(runner, new StringWriter()).run(List.of(), 1);
    for (TrialRecord t : trials) {
      assertThat(t.seed()).isEqualTo(Search.trialSeed(42, t.number()));
      assertThat(t.values()).containsOnlyKeys("model.updater.learningRate");
    }
    assertThat(trials.stream().map(TrialRecord::values).map(Map::values).distinct().count()).isEqualTo(9);
  }
}
