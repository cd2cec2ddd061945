/**
 * Jazzer fuzz targets (issue 11) for the parsers that read attacker-controlled or user-supplied
 * bytes, and their helpers. In the normal suite each {@code @FuzzTest} replays its corpus
 * (src/test/resources/io/jtls/fuzz/*Inputs); {@code scripts/fuzz.sh CLASS SECONDS} fuzzes one.
 */
package io.jtls.fuzz;
