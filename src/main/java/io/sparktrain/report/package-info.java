/**
 * Reporting: {@link io.sparktrain.report.MetricsLog} (metrics.jsonl, one record per epoch) and
 * {@link io.sparktrain.report.Summary} (summary.json: test metrics, confusion matrix, timings, provenance).
 */
package io.sparktrain.report;
