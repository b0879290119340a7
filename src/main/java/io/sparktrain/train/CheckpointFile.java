package io.sparktrain.train;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sparktrain.health.Diagnoser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A checkpoint as one zip file. Its {@code configuration.json}, {@code coefficients.bin} and
 * {@code updaterState.bin} are those of a DL4J model zip, so plain DL4J loads a checkpoint with
 * {@code ModelSerializer.restoreMultiLayerNetwork(file, true)}; {@code sparktrain-state.json} holds the
 * rest of the {@link TrainingState} (position, schedule, guard, early stopping, diagnoses, the LR range
 * test, normalisation, split identity, epoch history) and {@code best-*.bin} the best epoch's weights.
 * Doubles are written in full (NaN and infinities as strings), so a state reads back bit for bit.
 */
final class CheckpointFile {
  static final int FORMAT = 1;
  static final String CONFIGURATION = "configuration.json";
  static final String COEFFICIENTS = "coefficients.bin";
  static final String UPDATER = "updaterState.bin";
  static final String STATE = "sparktrain-state.json";
  static final String BEST_COEFFICIENTS = "best-coefficients.bin";
  static final String BEST_UPDATER = "best-updaterState.bin";
  static final String ROLLBACK_COEFFICIENTS = "rollback-coefficients.bin";
  static final String ROLLBACK_UPDATER = "rollback-updaterState.bin";

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private CheckpointFile() {}

  /** The state without its arrays, as {@code sparktrain-state.json} holds it. */
  record Saved(int format, TrainingState.Position position, int iterationCount, int epochCount, double learningRate,
      LrSchedule.State schedule, DivergenceGuard.State guard, EarlyStopping.State early, Integer bestIterationCount,
      Integer bestEpochCount, Diagnoser.State diagnoser, StallPolicy.State stall, Integer rollbackIterationCount,
      Integer rollbackEpochCount, TrainingState.RunFacts facts, List<EpochMetrics> epochs,
      TrainingState.EpochProgress epoch, TrainingState.Totals totals, TrainingState.Stop stop) {}

  static void write(TrainingState s, MultiLayerConfiguration conf, OutputStream stream) throws IOException {
    MultiLayerConfiguration c = conf.clone();
    c.setIterationCount(s.weights().iterationCount());
    c.setEpochCount(s.weights().epochCount());
    Weights best = s.best();
    Weights rollback = s.rollback();
    Saved saved = new Saved(FORMAT, s.position(), s.weights().iterationCount(), s.weights().epochCount(),
        s.learningRate(), s.schedule(), s.guard(), s.early(), best == null ? null : best.iterationCount(),
        best == null ? null : best.epochCount(), s.diagnoser(), s.stall(),
        rollback == null ? null : rollback.iterationCount(), rollback == null ? null : rollback.epochCount(),
        s.facts(), s.epochs(), s.epoch(), s.totals(), s.stop());
    ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(stream, 1 << 16));
    entry(zip, CONFIGURATION, c.toJson().getBytes(StandardCharsets.UTF_8));
    array(zip, COEFFICIENTS, s.weights().params());
    array(zip, UPDATER, s.weights().updater());
    if (best != null) {
      array(zip, BEST_COEFFICIENTS, best.params());
      array(zip, BEST_UPDATER, best.updater());
    }
    if (rollback != null) {
      array(zip, ROLLBACK_COEFFICIENTS, rollback.params());
      array(zip, ROLLBACK_UPDATER, rollback.updater());
    }
    entry(zip, STATE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(saved));
    zip.finish();
    zip.flush();
  }

  /** A checkpoint read back: the state, and the network configuration it was saved with. */
  record Loaded(TrainingState state, MultiLayerConfiguration conf) {}

  static Loaded read(InputStream stream) throws IOException {
    Map<String, byte[]> text = new HashMap<>();
    Map<String, INDArray> arrays = new HashMap<>();
    ZipInputStream zip = new ZipInputStream(new BufferedInputStream(stream, 1 << 16));
    for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
      if (e.getName().endsWith(".bin")) {
        arrays.put(e.getName(), Nd4j.read(new DataInputStream(zip)));
      } else {
        text.put(e.getName(), zip.readAllBytes());
      }
    }
    if (!text.containsKey(STATE) || !text.containsKey(CONFIGURATION) || !arrays.containsKey(COEFFICIENTS)) {
      throw new IOException("not a sparktrain checkpoint (expected " + STATE + ", " + CONFIGURATION + " and "
          + COEFFICIENTS + ")");
    }
    Saved s = JSON.readValue(text.get(STATE), Saved.class);
    if (s.format() != FORMAT) {
      throw new IOException("checkpoint format " + s.format() + " is not this version's (" + FORMAT + ")");
    }
    MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(
        new String(text.get(CONFIGURATION), StandardCharsets.UTF_8));
    Weights weights = new Weights(arrays.get(COEFFICIENTS), arrays.get(UPDATER), s.iterationCount(), s.epochCount());
    Weights best = arrays.containsKey(BEST_COEFFICIENTS) ? new Weights(arrays.get(BEST_COEFFICIENTS),
        arrays.get(BEST_UPDATER), s.bestIterationCount(), s.bestEpochCount()) : null;
    Weights rollback = arrays.containsKey(ROLLBACK_COEFFICIENTS) ? new Weights(arrays.get(ROLLBACK_COEFFICIENTS),
        arrays.get(ROLLBACK_UPDATER), s.rollbackIterationCount(), s.rollbackEpochCount()) : null;
    // A checkpoint from before the stall policy has none of its state: it starts afresh (the trainer fills
    // in the untrained loss). A boost without the weights to roll back to cannot go on: it is dropped.
    StallPolicy.State stall = s.stall() != null ? s.stall() : StallPolicy.State.initial(Double.NaN);
    if (stall.boost() != null && rollback == null) {
      stall = new StallPolicy.State(stall.rule().restarted(), stall.untrainedLoss(), null, stall.actions(),
          stall.events());
    }
    TrainingState state = new TrainingState(s.position(), weights, s.learningRate(), s.schedule(), s.guard(),
        s.early(), best, s.diagnoser(), stall, stall.boost() != null ? rollback : null, s.facts(), s.epochs(),
        s.epoch(), s.totals(), s.stop());
    return new Loaded(state, conf);
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }

  private static void array(ZipOutputStream zip, String name, INDArray a) throws IOException {
    if (a == null) {
      return;
    }
    zip.putNextEntry(new ZipEntry(name));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new NonClosing(zip), 1 << 16));
    Nd4j.write(a, out);
    out.flush();
    zip.closeEntry();
  }

  /** Keeps Nd4j's stream wrappers from closing the zip. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
