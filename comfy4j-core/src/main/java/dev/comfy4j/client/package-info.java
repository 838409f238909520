/**
 * A Java client for a remote comfy4j or ComfyUI server ({@link dev.comfy4j.client.ComfyClient}), on the
 * JDK's HTTP and WebSocket clients; it shares the {@link dev.comfy4j.workflow.Workflow} builder and the
 * run types with the embedded engine of {@code dev.comfy4j.embed}.
 */
package dev.comfy4j.client;
