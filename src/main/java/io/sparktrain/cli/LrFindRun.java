package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Splits;
import io.sparktrain.lrfind.LrCurve;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.Json;
import io.sparktrain.report.LrFindFiles;
import io.sparktrain.train.Trainer;
import java.io.PrintWriter;
import java.util.Map;

/** {@code sparktrain lr-find}: the range test alone; writes lr-find.csv, lr-find.png and lr-find.json. */
public final class LrFindRun {
  private final JobConfig job;
  private final String output;
  private final String master;
  private final PrintWriter out;

  public LrFindRun(JobConfig job, String output, String master, PrintWriter out) {
    this.job = job;
    this.output = output;
    this.master = master;
    this.out = out;
  }

  public LrCurve execute() {
    RunContext ctx = RunContext.start(job, output, master, out);
    RunDirectory run = RunDirectory.create(ctx.outputUri(), ctx.sc().hadoopConfiguration());
    run.write("config.resolved.conf", ConfigLoader.renderRedacted(job.resolved()));
    Splits data = ctx.load(run.resolve(RunContext.REJECTED), DataLoader.Fixed.NONE);
    ctx.printf("lr-find: %d training examples, %d iterations from %.1e to %.1e on %d workers%n",
        data.trainCount(), job.lrFind().iterations(), job.lrFind().minLearningRate(), job.lrFind().maxLearningRate(),
        ctx.sc().defaultParallelism());
    LrCurve curve = new Trainer(ctx.sc(), job, null).findLearningRate(data);
    LrFindFiles.write(run, curve);
    Map<String, Object> summary = LrFindFiles.summary(curve);
    summary.put("updater", job.model().updater().type());
    summary.put("config", job.lrFind());
    run.write("lr-find.json", Json.pretty(summary));
    out.println(curve.describe());
    ctx.printf("curve: %s, chart: %s%n", run.resolve(LrFindFiles.CSV), run.resolve(LrFindFiles.PNG));
    data.unpersist();
    return curve;
  }
}
