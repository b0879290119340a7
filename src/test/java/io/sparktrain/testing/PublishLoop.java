package io.sparktrain.testing;

import io.sparktrain.data.StorageException;
import io.sparktrain.publish.GateRefusedException;
import io.sparktrain.publish.Registry;
import io.sparktrain.report.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * One publisher process of the registry's concurrency test: makes {@code count} finished runs of its own
 * (accuracy rising with the run, 0.80 + 0.015 r plus up to 0.02 drawn by its seed, so that most pass the gate and the publishers meet, a model.zip naming the process and the run) and publishes
 * each with no allowed drop, then publishes its first run again. Prints one line per attempt:
 * {@code published RUN vN ACC}, {@code refused RUN}, {@code already RUN vN} (it is the champion), {@code again RUN
 * vN} (the pointer moved back to it).
 *
 * <p>Arguments: REGISTRY NAME RUNS_FOLDER PROCESS COUNT [hadoop.key=value ...].
 */
public final class PublishLoop {
  private PublishLoop() {}

  public static void main(String[] args) throws Exception {
    String registry = args[0];
    String name = args[1];
    Path runs = Path.of(args[2]);
    int process = Integer.parseInt(args[3]);
    int count = Integer.parseInt(args[4]);
    Configuration conf = new Configuration();
    for (int i = 5; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.set(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Random random = new Random(1000 + process);
    String first = null;
    for (int r = 0; r <= count; r++) {
      String run;
      if (r < count) {
        double accuracy = 0.80 + 0.015 * r + 0.02 * random.nextDouble();
        Path dir = Files.createDirectories(runs.resolve("p" + process + "-r" + r));
        Files.writeString(dir.resolve("summary.json"), Json.pretty(Summaries.completed("a", accuracy, null)));
        Files.writeString(dir.resolve("model.zip"), "model of p" + process + "-r" + r);
        run = dir.toString();
        first = first == null ? run : first;
      } else {
        run = first;
      }
      try {
        Registry.Published p = new Registry(registry, name, conf).publish(run, conf, 0, 0);
        String kind = switch (p.kind()) {
          case NEW_VERSION -> "published ";
          case ALREADY_CHAMPION -> "already ";
          case CHAMPION_AGAIN -> "again ";
        };
        System.out.println(kind + run + " " + p.version()
            + String.format(Locale.ROOT, " %.6f", p.accuracy()));
      } catch (GateRefusedException e) {
        System.out.println("refused " + run);
      } catch (StorageException e) {
        System.out.println("storage " + run + " " + e.getMessage());
      }
    }
  }
}
