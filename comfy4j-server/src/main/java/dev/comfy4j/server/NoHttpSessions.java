package dev.comfy4j.server;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.eclipse.jetty.session.SessionCache;

/**
 * comfy4j keeps no HTTP sessions, like ComfyUI. Javalin still opens a servlet session for every
 * WebSocket upgrade, refused ones included (it copies the session's attributes into the socket's
 * context), which sent a {@code JSESSIONID} cookie and kept the session in memory for good. Here no
 * cookie is sent and the session is dropped when its request ends.
 */
final class NoHttpSessions {
    private NoHttpSessions() {}

    static void apply(ServletContextHandler handler) {
        SessionHandler sessions = handler.getSessionHandler();
        if (sessions == null) return;
        sessions.setUsingCookies(false);
        DefaultSessionCache cache = new DefaultSessionCache(sessions);
        cache.setSessionDataStore(new NullSessionDataStore());
        cache.setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
        sessions.setSessionCache(cache);
    }
}
