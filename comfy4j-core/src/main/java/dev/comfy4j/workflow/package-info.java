/**
 * What embedded engines and remote clients share: the {@link dev.comfy4j.workflow.Workflow} builder,
 * checked against {@code /object_info}; run handles, results, output files, listeners and failures.
 * No engine and no HTTP server here.
 */
package dev.comfy4j.workflow;
