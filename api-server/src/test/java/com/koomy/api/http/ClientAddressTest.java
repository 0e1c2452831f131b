package com.koomy.api.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTest {

    private static final String PEER = "10.0.0.5";

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClientWhateverTheHeaders() {
        ClientAddress none = ClientAddress.parse("");
        assertThat(none.of(List.of("203.0.113.9"), PEER)).isEqualTo(PEER);
        assertThat(none.of(null, PEER)).isEqualTo(PEER);
        assertThat(none.of(List.of(), null)).isEqualTo("unknown");
    }

    @Test
    void aCountTrustsThatManyHopsFromTheRightAndIgnoresSpoofedLeftMostEntries() {
        ClientAddress one = ClientAddress.parse("1");
        // The client sent "6.6.6.6, 7.7.7.7"; HAProxy appended what it saw.
        assertThat(one.of(List.of("6.6.6.6, 7.7.7.7, 198.51.100.1"), PEER)).isEqualTo("198.51.100.1");
        // Several header lines are one list, in order: HAProxy may add its own line after the client's.
        assertThat(one.of(List.of("6.6.6.6", "198.51.100.1"), PEER)).isEqualTo("198.51.100.1");
        assertThat(one.of(List.of("6.6.6.6,7.7.7.7", " 198.51.100.1 "), PEER)).isEqualTo("198.51.100.1");
        ClientAddress two = ClientAddress.parse("2");
        // CDN then balancer: the CDN's entry is the client's address, the balancer's is the CDN's.
        assertThat(two.of(List.of("6.6.6.6, 198.51.100.1, 192.0.2.44"), PEER)).isEqualTo("198.51.100.1");
        // Fewer entries than proxies (a request that bypassed one): the left-most there is, never past the chain.
        assertThat(two.of(List.of("198.51.100.1"), PEER)).isEqualTo("198.51.100.1");
        assertThat(one.of(List.of(), PEER)).isEqualTo(PEER);
    }

    @Test
    void cidrsTrustOnlyTheirAddressesWalkingFromTheRight() {
        ClientAddress nets = ClientAddress.parse("10.0.0.0/8, 192.0.2.0/24, ::1/128");
        assertThat(nets.of(List.of("6.6.6.6, 198.51.100.1, 192.0.2.44"), PEER)).isEqualTo("198.51.100.1");
        assertThat(nets.of(List.of("6.6.6.6", "198.51.100.1", "10.1.2.3"), PEER)).isEqualTo("198.51.100.1");
        // A peer that is not a trusted proxy is the client: its X-Forwarded-For is ignored.
        assertThat(nets.of(List.of("6.6.6.6"), "198.51.100.77")).isEqualTo("198.51.100.77");
        assertThat(nets.of(List.of("2001:db8::7"), "::1")).isEqualTo("2001:db8::7");
        assertThat(nets.of(List.of("[2001:db8::7]:4711"), "0:0:0:0:0:0:0:1")).isEqualTo("2001:db8::7");
        assertThat(nets.of(List.of("198.51.100.1:5555"), PEER)).isEqualTo("198.51.100.1");
        // Garbage right of the trusted hops is not trusted: it is what the proxy reported, as is.
        assertThat(nets.of(List.of("6.6.6.6, not-an-ip"), PEER)).isEqualTo("not-an-ip");
        // Everything trusted: the left-most entry.
        assertThat(nets.of(List.of("10.9.9.9"), PEER)).isEqualTo("10.9.9.9");
        assertThat(ClientAddress.parse("203.0.113.9").of(List.of("6.6.6.6"), "203.0.113.9")).isEqualTo("6.6.6.6");
    }

    @Test
    void aBadSpecificationStopsTheStart() {
        assertThatThrownBy(() -> ClientAddress.parse("true")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'true'");
        assertThatThrownBy(() -> ClientAddress.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.parse("proxy.example.org")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientAddress.parse(" 1 ").spec()).isEqualTo("1");
    }
}
