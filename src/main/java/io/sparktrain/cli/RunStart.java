package io.sparktrain.cli;

import io.sparktrain.config.ConfigException;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.ResumeCheck;
import io.sparktrain.data.StorageException;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.Summary;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.DivergedException;
import io.sparktrain.train.RunCheckpoints;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a training run begins, from what its folder holds: a new run (the folder holds none), a
 * resumed one (with {@code --resume}: from its newest complete checkpoint, if any), or nothing to do
 * (a completed run, with {@code --resume}). A new run into a folder that holds one, a resumed one
 * whose job differs in what it learns, and a diverged run are refused.
 */
sealed interface RunStart permits RunStart.Fresh, RunStart.Resumed, RunStart.Done {
  /** A new run; {@code --resume} into a folder without a run says so. */
  record Fresh() implements RunStart {}

  /** The run in the folder goes on, from this checkpoint (none: from the start). */
  record Resumed(Optional<RunCheckpoints.Checkpoint> checkpoint) implements RunStart {}

  /** The folder holds a completed run and {@code --resume} asked for nothing more. */
  record Done(SummaryFile summary) implements RunStart {}

  static RunStart of(RunDirectory dir, String uri, JobConfig job, boolean resume, Consumer<String> say) {
    String found;
    try {
      found = dir.runFile();
    } catch (IOException e) {
      throw StorageException.reading(dir.uri(), e);
    }
    SummaryFile summary = dir.exists(Summary.FILE) ? RunJson.summary(dir.read(Summary.FILE), dir.resolve(Summary.FILE))
        : null;
    boolean completed = summary != null && summary.status() == SummaryFile.Status.COMPLETED;
    if (!resume) {
      if (completed) {
        throw new ConfigException("--output", uri + " already holds a completed run (test accuracy "
            + summary.test().accuracy() + "); choose a new folder, so nothing is overwritten");
      }
      // RunDirectory.create refuses any other folder that holds a run, suggesting --resume.
      return new Fresh();
    }
    if (found == null) {
      say.accept("resume: " + uri + " holds no run yet; starting a new one there");
      return new Fresh();
    }
    if (completed) {
      return new Done(summary);
    }
    if (summary != null && summary.status() == SummaryFile.Status.DIVERGED) {
      throw new DivergedException("the run in " + uri + " diverged (" + summary.message()
          + "); resuming it would diverge again: change the job and train into a new folder", null);
    }
    if (dir.exists("config.resolved.conf")) {
      ResumeCheck.check(dir.read("config.resolved.conf"), job, uri);
    }
    return new Resumed(new RunCheckpoints(dir, job.checkpoint().keep(), say, () -> 0).load());
  }
}
