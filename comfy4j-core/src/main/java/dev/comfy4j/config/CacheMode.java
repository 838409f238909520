package dev.comfy4j.config;

/** How node outputs are cached between prompts (ComfyUI's --cache-classic / --cache-lru / --cache-none). */
public sealed interface CacheMode {
    record Classic() implements CacheMode {}

    record Lru(int size) implements CacheMode {}

    record None() implements CacheMode {}
}
