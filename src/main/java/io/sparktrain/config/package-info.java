/**
 * Job configuration: {@link io.sparktrain.config.JobConfig} and its parts as immutable, validated
 * records, loaded from HOCON by {@link io.sparktrain.config.ConfigLoader}.
 */
package io.sparktrain.config;
