/**
 * Reporting: {@link io.sparktrain.report.MetricsLog} (metrics.jsonl, a line per round, health sample,
 * finding, recovery and epoch) and {@link io.sparktrain.report.Summary} (summary.json: test metrics,
 * confusion matrix, timings, provenance) write the records of {@link io.sparktrain.report.schema};
 * {@link io.sparktrain.report.HtmlReport} renders report.html from them.
 */
package io.sparktrain.report;
