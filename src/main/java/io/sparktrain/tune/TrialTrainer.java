package io.sparktrain.tune;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.typesafe.config.ConfigFactory;
import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.model.ModelFactory;
import io.sparktrain.train.EarlyStopping;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.LrSchedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Trains one trial on one executor with plain DL4J ({@code tune.placement = executor}): the epochs a
 * task asks for, each a seeded shuffle of the broadcast training split in minibatches of
 * {@code train.batchSizePerWorker}, augmented as {@code augment.ops} says, at the rate of
 * {@code train.schedule} over the trial's whole budget, then scored on the validation split. The
 * job's early stopping can end a trial before its rung. A trial has diverged when a minibatch's loss is
 * NaN or infinite, or when an epoch's mean training loss is above {@code train.guard.spikeFactor} times
 * ln(classes), the loss of a network that guesses uniformly: a network that learns is never there for a
 * whole epoch. A trial's checkpoint is a DL4J model zip with
 * its updater state (plain DL4J's {@code ModelSerializer.restoreMultiLayerNetwork} loads it) plus
 * {@code sparktrain-trial.json}: the epochs trained and the schedule's and early stopping's state, so a
 * promoted trial goes on exactly where it paused.
 */
public final class TrialTrainer {
  static final String STATE = "sparktrain-trial.json";
  private static final int EVAL_BATCH = 256;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private TrialTrainer() {}

  /** What a trial's checkpoint holds besides the network. */
  record State(int epochs, LrSchedule.State schedule, EarlyStopping.State early) {}

  /** Runs {@code task} here; a divergence or exception is a failed result, not a thrown error. */
  public static TrialResult run(TrialTask task, TrialData data) {
    long t0 = System.nanoTime();
    String executor = executor();
    List<TrialsCsv.Epoch> curve = new ArrayList<>();
    try {
      return train(task, data, executor, curve, t0);
    } catch (OutOfMemoryError e) {
      return failed(task, curve, "out of memory on executor " + executor + " (" + e.getMessage()
          + "); give the executors more memory (spark.executor.memory, and ND4J's off-heap limit) or search smaller "
          + "models", executor, t0);
    } catch (RuntimeException e) {
      return failed(task, curve, e.getClass().getSimpleName() + ": " + e.getMessage(), executor, t0);
    }
  }

  private static TrialResult train(TrialTask task, TrialData data, String executor, List<TrialsCsv.Epoch> curve,
      long t0) {
    JobConfig job = ConfigLoader.fromConfig(ConfigFactory.parseString(task.job()), "trial " + task.number());
    MultiLayerNetwork net;
    State state;
    if (task.checkpoint() == null) {
      net = new MultiLayerNetwork(ModelFactory.build(job.model(), data.shape(), data.numClasses(), job.seed()));
      net.init();
      state = new State(0, LrSchedule.State.initial(), EarlyStopping.State.initial());
    } else {
      net = restore(task.checkpoint());
      state = state(task.checkpoint());
    }
    LrSchedule schedule = new LrSchedule(job.train().schedule(), job.train().learningRate(job.model().updater()),
        job.train().epochs());
    EarlyStopping early = new EarlyStopping(job.train().earlyStopping());
    AugmentPipeline augment = AugmentPipeline.of(job.augment(), data.shape(), job.seed(), data.featureStd());
    int batch = job.train().batchSizePerWorker();
    List<Example> train = data.train();
    int batches = (train.size() + batch - 1) / batch;
    String stopped = "";
    for (int epoch = state.epochs() + 1; epoch <= task.toEpochs(); epoch++) {
      long e0 = System.nanoTime();
      int[] order = permutation(train.size(), job.seed(), epoch);
      double lossSum = 0;
      double lr = 0;
      for (int b = 0; b < batches; b++) {
        List<Example> rows = new ArrayList<>(batch);
        for (int i = b * batch; i < Math.min(train.size(), (b + 1) * batch); i++) {
          rows.add(augment.apply(train.get(order[i]), epoch, i));
        }
        DataSet ds = Batches.toDataSet(rows, data.numClasses());
        if (augment.hasBatchOps()) {
          ds = augment.augment(ds, epoch, (long) b * batch);
        }
        lr = schedule.rate(state.schedule(), epoch, b, batches);
        net.setLearningRate(lr);
        // Dropout draws from ND4J's thread-local generator: seeded from the trial and the minibatch, its
        // masks do not depend on which task thread the trial runs on or what ran there before, so a
        // trial promoted from its checkpoint trains exactly as it would have straight through.
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(Samplers.mix(job.seed(), net.getIterationCount()));
        net.fit(ds);
        double loss = net.score();
        if (!Double.isFinite(loss)) {
          return failed(task, curve, String.format(java.util.Locale.ROOT,
              "diverged: the training loss became %s in epoch %d, minibatch %d of %d, at learning rate %.3g",
              loss, epoch, b + 1, batches, lr), executor, t0);
        }
        lossSum += loss;
      }
      double trainSeconds = (System.nanoTime() - e0) / 1e9;
      double limit = job.train().guard().spikeFactor() * Math.log(data.numClasses());
      if (lossSum / batches > limit) {
        return failed(task, curve, String.format(java.util.Locale.ROOT,
            "diverged: the mean training loss of epoch %d was %.4g, above %.3g (train.guard.spikeFactor x the loss of "
                + "a network that guesses uniformly), at learning rate %.3g", epoch, lossSum / batches, limit, lr),
            executor, t0);
      }
      double[] val = evaluate(net, data.validation(), data.numClasses());
      curve.add(new TrialsCsv.Epoch(task.number(), epoch, lossSum / batches, val[0], val[1], lr,
          (System.nanoTime() - e0) / 1e9));
      LrSchedule.EpochEnd end = schedule.epochEnd(state.schedule(), val[0]);
      EpochMetrics m = new EpochMetrics(epoch, lossSum / batches, val[0], val[1], train.size() / trainSeconds,
          trainSeconds, 0, io.sparktrain.train.TrainTime.UNKNOWN, lr);
      EarlyStopping.Observation seen = early.observe(state.early(), epoch, early.metric(m));
      state = new State(epoch, end.next(), seen.next());
      if (early.shouldStop(state.early())) {
        stopped = early.reason(state.early());
        break;
      }
    }
    return new TrialResult(task.number(), state.epochs(), curve, checkpoint(net, state), "", stopped, executor,
        (System.nanoTime() - t0) / 1e9, taskAttempt());
  }

  /** Scores a trial's checkpoint on {@code examples}: {loss, accuracy}. */
  public static double[] evaluate(byte[] checkpoint, List<Example> examples, int numClasses) {
    return evaluate(restore(checkpoint), examples, numClasses);
  }

  /** The validation split's mean loss (with regularisation, as the training run's validation) and accuracy. */
  static double[] evaluate(MultiLayerNetwork net, List<Example> examples, int numClasses) {
    double loss = 0;
    long correct = 0;
    for (int from = 0; from < examples.size(); from += EVAL_BATCH) {
      List<Example> rows = examples.subList(from, Math.min(examples.size(), from + EVAL_BATCH));
      DataSet ds = Batches.toDataSet(rows, numClasses);
      loss += net.score(ds, false) * rows.size();
      INDArray predicted = net.output(ds.getFeatures(), false).argMax(1);
      for (int i = 0; i < rows.size(); i++) {
        if (predicted.getInt(i) == rows.get(i).label()) {
          correct++;
        }
      }
    }
    return new double[] {loss / examples.size(), (double) correct / examples.size()};
  }

  /** A seeded shuffle of 0..n-1 for one epoch of a trial. */
  static int[] permutation(int n, long seed, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(Samplers.mix(seed, epoch));
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static TrialResult failed(TrialTask task, List<TrialsCsv.Epoch> curve, String why, String executor,
      long t0) {
    return new TrialResult(task.number(), task.fromEpochs() + curve.size(), curve, null, why, "", executor,
        (System.nanoTime() - t0) / 1e9, taskAttempt());
  }

  /** Which attempt of its Spark task this is (Spark runs a task again when its executor is lost): 1, 2, ... */
  static int taskAttempt() {
    org.apache.spark.TaskContext c = org.apache.spark.TaskContext.get();
    return c == null ? 1 : c.attemptNumber() + 1;
  }

  static String executor() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    String id = env == null ? "local" : env.executorId();
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown";
    }
    return id + "@" + host + "/" + ProcessHandle.current().pid();
  }

  /** The checkpoint zip: DL4J's model zip with updater, plus {@value #STATE}. */
  static byte[] checkpoint(MultiLayerNetwork net, State state) {
    try {
      ByteArrayOutputStream model = new ByteArrayOutputStream();
      ModelSerializer.writeModel(net, model, true);
      ByteArrayOutputStream out = new ByteArrayOutputStream(model.size() + 1024);
      try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(model.toByteArray()));
          ZipOutputStream zip = new ZipOutputStream(out)) {
        for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          zip.putNextEntry(new ZipEntry(e.getName()));
          in.transferTo(zip);
          zip.closeEntry();
        }
        zip.putNextEntry(new ZipEntry(STATE));
        zip.write(JSON.writeValueAsBytes(state));
        zip.closeEntry();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MultiLayerNetwork restore(byte[] checkpoint) {
    try (InputStream in = new ByteArrayInputStream(checkpoint)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trial's checkpoint: " + e.getMessage(), e);
    }
  }

  static State state(byte[] checkpoint) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(checkpoint))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals(STATE)) {
          return JSON.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), State.class);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trial's checkpoint: " + e.getMessage(), e);
    }
    throw new IllegalStateException("the trial's checkpoint has no " + STATE);
  }
}
