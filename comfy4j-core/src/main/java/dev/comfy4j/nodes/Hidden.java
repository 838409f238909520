package dev.comfy4j.nodes;

/** Values the engine injects at call time instead of reading them from the prompt (execution spec §3.2). */
public enum Hidden {
    PROMPT("prompt"),
    DYNPROMPT("dynprompt"),
    EXTRA_PNGINFO("extra_pnginfo"),
    UNIQUE_ID("unique_id"),
    AUTH_TOKEN_COMFY_ORG("auth_token_comfy_org"),
    API_KEY_COMFY_ORG("api_key_comfy_org");

    private final String v3Name;

    Hidden(String v3Name) {
        this.v3Name = v3Name;
    }

    /** The keyword a V3 schema uses for this hidden value ({@code prompt}, {@code unique_id}, ...). */
    public String v3Name() {
        return v3Name;
    }
}
