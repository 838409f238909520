/**
 * comfy4j's engine inside a JVM application, without the HTTP server: {@link dev.comfy4j.embed.EmbeddedComfy}.
 */
package dev.comfy4j.embed;
