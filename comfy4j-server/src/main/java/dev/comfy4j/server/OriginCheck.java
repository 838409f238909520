package dev.comfy4j.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * ComfyUI's defence against a web page making a local browser POST to 127.0.0.1 (API spec §4): a
 * request to a loopback Host whose Origin names another host:port is refused with 403.
 *
 * <p>On a server that listens on loopback addresses only, comfy4j closes two gaps ComfyUI leaves open
 * (docs/compatibility.md, "Hardening"): {@code Origin: null}, which sandboxed iframes and {@code data:}
 * pages send, and DNS rebinding, where a page of a foreign name that its DNS later points at 127.0.0.1
 * sends {@code Host} and {@code Origin} of that same foreign name. Only a request carrying an Origin is
 * judged; the name must then be a loopback literal, {@code localhost} or a {@code *.localhost} name,
 * which browsers resolve to loopback themselves, so no DNS answer can make a foreign name pass.
 */
public final class OriginCheck {
    private final boolean loopbackOnly;

    private OriginCheck(boolean loopbackOnly) {
        this.loopbackOnly = loopbackOnly;
    }

    /** The check for a server listening on {@code addresses} (the {@code --listen} list). */
    public static OriginCheck forListenAddresses(List<String> addresses) {
        return new OriginCheck(!addresses.isEmpty() && addresses.stream().allMatch(a -> isLoopback(a.toLowerCase(Locale.ROOT))));
    }

    /** True when the request must be refused: the loopback server's two extra rules, then ComfyUI's rule. */
    public boolean blocks(String hostHeader, String originHeader) {
        if (loopbackOnly && hostHeader != null && originHeader != null) {
            if (originHeader.trim().equalsIgnoreCase("null")) return true;
            // Judged before ComfyUI's rule, which would resolve the foreign name through DNS.
            if (!isLoopbackName(HostPort.parse(hostHeader.trim().toLowerCase(Locale.ROOT)).host())) return true;
        }
        return refuses(hostHeader, originHeader);
    }

    /** Names that reach this machine whatever any DNS server answers. */
    static boolean isLoopbackName(String hostname) {
        if (hostname.equals("localhost") || hostname.endsWith(".localhost")) return true;
        String name = hostname.startsWith("[") && hostname.endsWith("]")
                ? hostname.substring(1, hostname.length() - 1) : hostname;
        if (!isIpLiteral(name)) return false;
        try {
            return InetAddress.getByName(name).isLoopbackAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") ? name.matches("[0-9a-f:.]+") : name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** ComfyUI's rule alone: true when the request must be refused. */
    public static boolean refuses(String hostHeader, String originHeader) {
        if (hostHeader == null || originHeader == null) return false;
        String host = hostHeader.toLowerCase(Locale.ROOT);
        String origin = networkLocation(originHeader).toLowerCase(Locale.ROOT);
        HostPort h = HostPort.parse(host);
        HostPort o = HostPort.parse(origin);
        if (!isLoopback(h.host())) return false;
        String hostCompared = host;
        String originCompared = origin;
        if (o.port() == null) hostCompared = h.host();
        if (h.port() == null) originCompared = o.host();
        return !hostCompared.isEmpty() && !originCompared.isEmpty() && !hostCompared.equals(originCompared);
    }

    private static String networkLocation(String origin) {
        try {
            String authority = URI.create(origin.trim()).getRawAuthority();
            if (authority == null) return "";
            int at = authority.lastIndexOf('@');
            return at >= 0 ? authority.substring(at + 1) : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static boolean isLoopback(String hostname) {
        if (hostname.isEmpty()) return false;
        String name = hostname.startsWith("[") && hostname.endsWith("]")
                ? hostname.substring(1, hostname.length() - 1) : hostname;
        try {
            InetAddress[] all = InetAddress.getAllByName(name);
            if (all.length == 0) return false;
            for (InetAddress a : all) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** host[:port] split the way Python's urlparse("//" + value) splits it. */
    record HostPort(String host, String port) {
        static HostPort parse(String value) {
            if (value.startsWith("[")) {
                int close = value.indexOf(']');
                if (close < 0) return new HostPort(value, null);
                String rest = value.substring(close + 1);
                return new HostPort(value.substring(1, close), rest.startsWith(":") ? rest.substring(1) : null);
            }
            int colon = value.lastIndexOf(':');
            if (colon < 0) return new HostPort(value, null);
            return new HostPort(value.substring(0, colon), value.substring(colon + 1));
        }
    }
}
