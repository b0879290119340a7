/**
 * The typed schema of a run's files: {@link io.sparktrain.report.schema.SummaryFile} is summary.json and
 * {@link io.sparktrain.report.schema.MetricsLine} one line of metrics.jsonl. The writers build these records
 * and every reader parses into them through {@link io.sparktrain.report.schema.RunJson}, so a renamed or
 * missing key fails where the file is read, naming the key.
 */
package io.sparktrain.report.schema;
