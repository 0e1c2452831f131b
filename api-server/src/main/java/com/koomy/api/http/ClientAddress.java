package com.koomy.api.http;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.servlet.http.HttpServletRequest;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one rule that says who the client is, for every filter and resource (rate limits, door scans,
 * directory, public pages): {@code KOOMY_TRUSTED_PROXIES} ({@code trustedProxies}) names the proxies in
 * front of the API, as a count ({@code 1}: one HAProxy) or a CIDR list ({@code 10.0.0.0/8, ::1/128}).
 * The chain is every {@code X-Forwarded-For} line joined in order, then the socket's peer; the client is
 * the right-most entry not added by a trusted proxy. Left-most entries are whatever the client chose to
 * send and never count. Empty (the default): the socket's peer, whatever the headers say.
 */
public final class ClientAddress {

    public static final String HEADER = "X-Forwarded-For";
    private static final Pattern COUNT = Pattern.compile("\\d{1,2}");
    // Checked before InetAddress sees the text, so it never turns into a DNS lookup.
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private final String spec;
    private final int count;
    private final List<Cidr> networks;

    private ClientAddress(String spec, int count, List<Cidr> networks) {
        this.spec = spec;
        this.count = count;
        this.networks = networks;
    }

    /** The socket's peer only: no proxy trusted. */
    public static ClientAddress none() {
        return new ClientAddress("", 0, List.of());
    }

    /** Parses {@code KOOMY_TRUSTED_PROXIES}: empty, a count, or comma-separated CIDRs (a bare address is a /32 or /128). */
    @JsonCreator
    public static ClientAddress parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.isEmpty()) {
            return none();
        }
        if (COUNT.matcher(s).matches()) {
            return new ClientAddress(s, Integer.parseInt(s), List.of());
        }
        List<Cidr> networks = new ArrayList<>();
        for (String part : s.split(",")) {
            networks.add(Cidr.parse(part.strip()));
        }
        return new ClientAddress(s, 0, List.copyOf(networks));
    }

    @JsonValue
    public String spec() {
        return spec;
    }

    public String of(HttpServletRequest request) {
        if (count == 0 && networks.isEmpty()) {
            return request.getRemoteAddr() == null ? "unknown" : request.getRemoteAddr(); // no header read on the door's hot path
        }
        return of(Collections.list(request.getHeaders(HEADER)), request.getRemoteAddr());
    }

    /** {@code forwardedFor}: every X-Forwarded-For line, in the order received (null or empty: none). */
    public String of(List<String> forwardedFor, String remoteAddr) {
        String peer = remoteAddr == null ? "unknown" : remoteAddr;
        if (count == 0 && networks.isEmpty()) {
            return peer;
        }
        List<String> chain = new ArrayList<>();
        if (forwardedFor != null) {
            for (String line : forwardedFor) {
                for (String entry : line.split(",")) {
                    String e = entry.strip();
                    if (!e.isEmpty()) {
                        chain.add(bare(e));
                    }
                }
            }
        }
        chain.add(peer);
        if (count > 0) {
            // The last `count` entries are our proxies (the peer is the nearest); the one before them is the client.
            return chain.get(Math.max(0, chain.size() - 1 - count));
        }
        for (int i = chain.size() - 1; i > 0; i--) {
            if (!trusted(chain.get(i))) {
                return chain.get(i);
            }
        }
        return chain.get(0);
    }

    private boolean trusted(String address) {
        byte[] bytes = Cidr.literal(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr network : networks) {
            if (network.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** "[::1]:443" and "1.2.3.4:80" as proxies may write them: the address alone. */
    private static String bare(String entry) {
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            return end > 0 ? entry.substring(1, end) : entry;
        }
        int colon = entry.indexOf(':');
        return colon > 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    @Override
    public String toString() {
        return spec.isEmpty() ? "(none)" : spec;
    }

    private record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("trustedProxies: '" + text + "' is neither a count nor an IP address or CIDR");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("trustedProxies: bad prefix length in '" + text + "'");
                }
            }
            return new Cidr(address, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = address.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
        }

        /** The bytes of an IP literal (v4 as 4 bytes, v4-mapped v6 too), or null: never a DNS lookup. */
        static byte[] literal(String text) {
            if (!IPV4.matcher(text).matches() && !(text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches())) {
                return null;
            }
            try {
                return InetAddress.getByName(text).getAddress();
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
        }
    }
}
