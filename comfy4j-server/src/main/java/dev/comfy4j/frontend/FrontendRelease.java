package dev.comfy4j.frontend;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --front-end-version} value: {@code OWNER/REPO@VERSION} where VERSION is {@code X.Y.Z},
 * {@code vX.Y.Z} (with an optional suffix such as {@code -rc1}) or {@code latest}, the form ComfyUI
 * accepts (its {@code FrontendManager.parse_version_string}).
 */
public record FrontendRelease(String owner, String repo, String version) {
    private static final Pattern FORM = Pattern.compile(
            "^([a-zA-Z0-9][a-zA-Z0-9-]{0,38})/([a-zA-Z0-9_.-]+)@(v?\\d+\\.\\d+\\.\\d+[-._a-zA-Z0-9]*|latest)$");

    /** Parses the flag's value; the message says what form is expected. */
    public static FrontendRelease parse(String value) {
        Matcher m = FORM.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid --front-end-version \"" + value
                    + "\": expected OWNER/REPO@X.Y.Z, OWNER/REPO@vX.Y.Z or OWNER/REPO@latest");
        }
        return new FrontendRelease(m.group(1), m.group(2), m.group(3));
    }

    public boolean isLatest() {
        return version.equals("latest");
    }

    /** The version without its {@code v}: the name of its cache folder. */
    public String semanticVersion() {
        return stripV(version);
    }

    /** {@code owner_repo}: the cache folder of every version of this project, as in ComfyUI. */
    public String folderName() {
        return owner + "_" + repo;
    }

    static String stripV(String tag) {
        return tag.toLowerCase(Locale.ROOT).startsWith("v") ? tag.substring(1) : tag;
    }

    @Override
    public String toString() {
        return owner + "/" + repo + "@" + version;
    }
}
