package io.sparktrain.tune;

import com.typesafe.config.ConfigFactory;
import io.sparktrain.config.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema of the search folder's two tables, shared by the search that writes them, {@code --resume}
 * and tune.html that read them.
 *
 * <p>trials.csv: one row per trial, the columns of {@link #COLUMNS} and then one per dimension (its key
 * as the header; HOCON text of the value, empty where a conditional dimension did not apply).
 * curves.csv: one row per trial and epoch ({@link Epoch}).
 */
public final class TrialsCsv {
  public static final String TRIALS = "trials.csv";
  public static final String CURVES = "curves.csv";
  public static final List<String> COLUMNS = List.of("trial", "status", "rung", "epochs", "metric",
      "validationAccuracy", "validationLoss", "trainLoss", "seconds", "attempts", "executor", "seed", "targetEpochs",
      "reason");
  public static final List<String> CURVE_COLUMNS = List.of("trial", "epoch", "trainLoss", "validationLoss",
      "validationAccuracy", "learningRate", "seconds");

  private TrialsCsv() {}

  /** One epoch of one trial. */
  public record Epoch(int trial, int epoch, double trainLoss, double validationLoss, double validationAccuracy,
      double learningRate, double seconds) implements java.io.Serializable {}

  public static String write(List<TrialRecord> trials, List<String> dimensions) {
    StringBuilder b = new StringBuilder();
    List<String> header = new ArrayList<>(COLUMNS);
    header.addAll(dimensions);
    b.append(Csv.row(header));
    for (TrialRecord t : trials) {
      List<String> f = new ArrayList<>(List.of(Integer.toString(t.number()), t.status().key(),
          Integer.toString(t.rung()), Integer.toString(t.epochs()), Csv.number(t.metric()),
          Csv.number(t.validationAccuracy()), Csv.number(t.validationLoss()), Csv.number(t.trainLoss()),
          Csv.number(t.seconds()), Integer.toString(t.attempts()), t.executor(), Long.toString(t.seed()),
          Integer.toString(t.targetEpochs()), t.reason()));
      for (String d : dimensions) {
        f.add(t.values().containsKey(d) ? SearchSpace.render(t.values().get(d)) : "");
      }
      b.append(Csv.row(f));
    }
    return b.toString();
  }

  /** The dimension keys a trials.csv lists (its header after the fixed columns). */
  public static List<String> dimensions(String text) {
    List<List<String>> rows = Csv.parse(text);
    return rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).subList(COLUMNS.size(), rows.get(0).size()));
  }

  public static List<TrialRecord> read(String text) {
    List<List<String>> rows = Csv.parse(text);
    if (rows.isEmpty() || !rows.get(0).subList(0, Math.min(COLUMNS.size(), rows.get(0).size())).equals(COLUMNS)) {
      throw new IllegalArgumentException("not a trials.csv: its header must start with " + String.join(",", COLUMNS));
    }
    List<String> header = rows.get(0);
    List<TrialRecord> out = new ArrayList<>();
    for (List<String> r : rows.subList(1, rows.size())) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (int i = COLUMNS.size(); i < header.size(); i++) {
        if (!r.get(i).isEmpty()) {
          values.put(header.get(i), ConfigFactory.parseString("v = " + r.get(i)).getValue("v").unwrapped());
        }
      }
      out.add(new TrialRecord(Integer.parseInt(r.get(0)), values, Long.parseLong(r.get(11)),
          TrialRecord.Status.of(r.get(1)), Integer.parseInt(r.get(2)), Integer.parseInt(r.get(3)),
          Integer.parseInt(r.get(12)), Csv.number(r.get(4)), Csv.number(r.get(5)), Csv.number(r.get(6)),
          Csv.number(r.get(7)), Csv.number(r.get(8)), Integer.parseInt(r.get(9)), r.get(10), r.get(13)));
    }
    return out;
  }

  public static String writeCurves(List<Epoch> epochs) {
    StringBuilder b = new StringBuilder(Csv.row(CURVE_COLUMNS));
    for (Epoch e : epochs) {
      b.append(Csv.row(List.of(Integer.toString(e.trial()), Integer.toString(e.epoch()), Csv.number(e.trainLoss()),
          Csv.number(e.validationLoss()), Csv.number(e.validationAccuracy()), Csv.number(e.learningRate()),
          Csv.number(e.seconds()))));
    }
    return b.toString();
  }

  public static List<Epoch> readCurves(String text) {
    List<List<String>> rows = Csv.parse(text);
    if (rows.isEmpty() || !rows.get(0).equals(CURVE_COLUMNS)) {
      throw new IllegalArgumentException("not a curves.csv: its header must be " + String.join(",", CURVE_COLUMNS));
    }
    List<Epoch> out = new ArrayList<>();
    for (List<String> r : rows.subList(1, rows.size())) {
      out.add(new Epoch(Integer.parseInt(r.get(0)), Integer.parseInt(r.get(1)), Csv.number(r.get(2)),
          Csv.number(r.get(3)), Csv.number(r.get(4)), Csv.number(r.get(5)), Csv.number(r.get(6))));
    }
    return out;
  }
}
