/**
 * Command line: {@link io.sparktrain.cli.Main} parses with picocli and delegates to the commands;
 * {@link io.sparktrain.cli.ExitCode} maps every failure to the documented exit code in one place.
 */
package io.sparktrain.cli;
