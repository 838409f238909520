package dev.comfy4j.model.clip;

/** The two token streams of an SDXL prompt: {@code g} for CLIP-G, {@code l} for CLIP-L. */
public record SdxlTokens(TokenizedPrompt g, TokenizedPrompt l) {}
