package dev.comfy4j.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * ComfyUI's defence against a web page making a local browser POST to 127.0.0.1 (API spec §4): a
 * request to a loopback Host whose Origin names another host:port is refused with 403.
 */
public final class OriginCheck {
    private OriginCheck() {}

    /** True when the request must be refused. */
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
