/**
 * The SD1 text side, numerically equal to ComfyUI 0.3.64: CLIP's byte-level BPE tokenizer
 * ({@link dev.comfy4j.model.clip.ClipTokenizer}), ComfyUI's prompt-weight tokenizer with chunking and
 * textual inversions ({@link dev.comfy4j.model.clip.Sd1Tokenizer}), the CLIP-L transformer
 * ({@link dev.comfy4j.model.clip.ClipTextModel}) and the token-weight encoder that joins them
 * ({@link dev.comfy4j.model.clip.Clip}).
 */
package dev.comfy4j.model.clip;
