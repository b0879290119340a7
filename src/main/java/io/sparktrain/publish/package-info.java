/**
 * Publishing: {@link io.sparktrain.publish.RunDirectory} writes a run's files atomically to any Hadoop
 * file system; {@link io.sparktrain.publish.Provenance} records versions and the git commit.
 */
package io.sparktrain.publish;
