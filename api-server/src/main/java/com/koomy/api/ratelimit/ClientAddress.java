package com.koomy.api.ratelimit;

/**
 * The client address rate limits count against: the socket's peer, or, behind our own load balancer
 * ({@code trustForwardedFor}), the last hop of {@code X-Forwarded-For}, the one that balancer added
 * (earlier hops are whatever the client chose to send).
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(String forwardedFor, String remoteAddr, boolean trustForwardedFor) {
        if (trustForwardedFor && forwardedFor != null && !forwardedFor.isBlank()) {
            String[] hops = forwardedFor.split(",");
            return hops[hops.length - 1].strip();
        }
        return remoteAddr == null ? "unknown" : remoteAddr;
    }
}
