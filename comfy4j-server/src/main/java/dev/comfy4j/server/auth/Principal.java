package dev.comfy4j.server.auth;

/** Who a request acts for, once its token was checked. */
public record Principal(String user, Role role) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
