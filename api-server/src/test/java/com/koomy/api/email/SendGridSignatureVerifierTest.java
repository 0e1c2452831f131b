package com.koomy.api.email;

import com.koomy.errors.ApiException;
import com.koomy.testing.SendGridTestEvents;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendGridSignatureVerifierTest {

    private static final SendGridTestEvents.Signer SENDGRID = new SendGridTestEvents.Signer();
    private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static String at(long secondsFromNow) {
        return Long.toString(NOW.getEpochSecond() + secondsFromNow);
    }

    private static void assertRefused(Runnable check, int status, String code) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    @Test
    void verifiesTheRawBytesOfANonAsciiBody() {
        SendGridSignatureVerifier verifier = new SendGridSignatureVerifier(SENDGRID.publicKeyBase64(), CLOCK);
        String payload = "[{\"email\":\"zoé@exämple.org\",\"event\":\"unsubscribe\"}]";
        String timestamp = at(0);

        assertThat(verifier.isConfigured()).isTrue();
        assertThatCode(() -> verifier.verify(payload.getBytes(StandardCharsets.UTF_8), SENDGRID.sign(payload, timestamp), timestamp))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesTimestampsMoreThanFiveMinutesAwayInEitherDirection() {
        SendGridSignatureVerifier verifier = new SendGridSignatureVerifier(SENDGRID.publicKeyBase64(), CLOCK);
        byte[] body = "[]".getBytes(StandardCharsets.UTF_8);

        for (long offset : new long[] {-301, 301}) {
            String timestamp = at(offset);
            assertRefused(() -> verifier.verify(body, SENDGRID.sign("[]", timestamp), timestamp), 400, "stale_signature");
        }
        for (long offset : new long[] {-300, 300}) {
            String timestamp = at(offset);
            assertThatCode(() -> verifier.verify(body, SENDGRID.sign("[]", timestamp), timestamp)).doesNotThrowAnyException();
        }
    }

    @Test
    void acceptsTheKeyPastedAsPem() {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + SENDGRID.publicKeyBase64().substring(0, 40) + "\n"
                + SENDGRID.publicKeyBase64().substring(40) + "\n-----END PUBLIC KEY-----\n";
        SendGridSignatureVerifier verifier = new SendGridSignatureVerifier(pem, CLOCK);
        String timestamp = at(0);

        assertThatCode(() -> verifier.verify("[]".getBytes(StandardCharsets.UTF_8), SENDGRID.sign("[]", timestamp), timestamp))
                .doesNotThrowAnyException();
    }

    @Test
    void aKeyThatIsNotAnEcPublicKeyStopsTheStartNamingTheSetting() {
        for (String bad : new String[] {"not base64 at all!", "c2VuZGdyaWQ=", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}) {
            assertThatThrownBy(() -> new SendGridSignatureVerifier(bad, CLOCK))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SENDGRID_WEBHOOK_PUBLIC_KEY");
        }
    }

    @Test
    void withoutAKeyEveryRequestIs503() {
        for (String none : new String[] {null, "", "  "}) {
            SendGridSignatureVerifier verifier = new SendGridSignatureVerifier(none, CLOCK);
            assertThat(verifier.isConfigured()).isFalse();
            assertRefused(() -> verifier.verify(new byte[0], "sig", at(0)), 503, "webhook_not_configured");
        }
    }
}
