package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipCardIntegrationTest {

    /** A throwaway key-encryption key for this test's database only. */
    static final String CARD_KEY_SECRET = randomSecret();

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("cardKeySecret", CARD_KEY_SECRET));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();

    private ApiReply card(UUID community, User user) {
        return api.get("/api/communities/" + community + "/members/me/card", user == null ? null : user.token());
    }

    /** Verifies the way a door app would: the QR content and the public key only, with the JDK. */
    private static boolean verifies(String qrContent, String publicKeyBase64) throws Exception {
        int dot = qrContent.lastIndexOf('.');
        PublicKey key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyBase64)));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(qrContent.substring(0, dot).getBytes(StandardCharsets.UTF_8));
        try {
            return verifier.verify(Base64.getUrlDecoder().decode(qrContent.substring(dot + 1)));
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    @Test
    void anActiveMembersCardVerifiesOfflineWithTheCommunitysPublicKey() throws Exception {
        User owner = api.user("Owner Card");
        User ann = api.user("Ann Card");
        UUID id = api.community(owner, "Card Club", "public", "open");
        api.call("POST", "/api/communities/" + id + "/join", ann.token(), null);
        LocalDate dues = LocalDate.now().plusDays(2);
        db.jdbi().useHandle(h -> h.execute("UPDATE memberships SET dues_paid_until = ? WHERE account_id = ?", dues, ann.id()));

        ApiReply reply = card(id, ann);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode card = reply.body();
        assertThat(card.get("name").asText()).isEqualTo("Ann Card");
        assertThat(card.get("role").asText()).isEqualTo("member");
        assertThat(card.get("status").asText()).isEqualTo("active");
        assertThat(card.get("duesPaidUntil").asText()).isEqualTo(dues.toString());
        Instant expiresAt = Instant.parse(card.get("expiresAt").asText());
        assertThat(expiresAt).isEqualTo(dues.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        assertThat(card.get("payload").asText())
                .isEqualTo("koomy-card:v1:" + id + ":" + ann.id() + ":member:" + expiresAt.getEpochSecond());
        assertThat(card.get("qrContent").asText()).isEqualTo(card.get("payload").asText() + "." + card.get("signature").asText());
        byte[] png = Base64.getDecoder().decode(card.get("qrPngBase64").asText());
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");

        // The door app's key comes from the public endpoint, signed out.
        ApiReply published = api.get("/api/communities/" + id + "/public-key", null);
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.body().get("algorithm").asText()).isEqualTo("Ed25519");
        String publicKey = published.body().get("publicKey").asText();
        assertThat(publicKey).isEqualTo(card.get("publicKey").asText());
        assertThat(verifies(card.get("qrContent").asText(), publicKey)).isTrue();

        String qr = card.get("qrContent").asText();
        assertThat(verifies(qr.replace(":member:", ":admin:"), publicKey)).isFalse();
        assertThat(verifies(qr.replace(ann.id().toString(), owner.id().toString()), publicKey)).isFalse();
        // Another community's key does not verify this community's cards.
        UUID other = api.community(owner, "Other Card Club", "public", "open");
        String otherKey = api.get("/api/communities/" + other + "/public-key", null).body().get("publicKey").asText();
        assertThat(otherKey).isNotEqualTo(publicKey);
        assertThat(verifies(qr, otherKey)).isFalse();
        // The key pair is made once: a second card is signed by the same key.
        assertThat(verifies(card(id, owner).body().get("qrContent").asText(), publicKey)).isTrue();
        assertThat(api.get("/api/communities/" + id + "/members/me/card?qr=false", ann.token()).body()
                .get("qrPngBase64").isNull()).isTrue();
    }

    @Test
    void onlyActiveMembersHaveCards() {
        User owner = api.user("Owner No Card");
        User pending = api.user("Pending No Card");
        User outsider = api.user("Outsider No Card");
        UUID approval = api.community(owner, "Approval Card Club", "public", "approval");
        UUID closed = api.community(owner, "Private Card Club", "private", "open");
        api.call("POST", "/api/communities/" + approval + "/join", pending.token(), null);

        assertThat(card(approval, pending).status()).isEqualTo(404);
        assertThat(card(approval, outsider).status()).isEqualTo(404);
        assertThat(card(UUID.randomUUID(), outsider).status()).isEqualTo(404);
        assertThat(card(approval, null).status()).isEqualTo(401);
        assertThat(api.get("/api/communities/" + closed + "/public-key", null).status()).isEqualTo(404);
        assertThat(api.get("/api/communities/" + closed + "/public-key", outsider.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/communities/" + closed + "/public-key", owner.token()).status()).isEqualTo(200);
        assertThat(api.get("/api/communities/" + UUID.randomUUID() + "/public-key", null).status()).isEqualTo(404);
    }

    @Test
    void thePrivateKeyIsStoredEncrypted() {
        User owner = api.user("Owner Stored Key");
        UUID id = api.community(owner, "Stored Key Club", "public", "open");
        assertThat(card(id, owner).status()).isEqualTo(200);
        Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT public_key, private_key_enc FROM community_keys WHERE community_id = :c").bind("c", id).mapToMap().one());
        byte[] enc = (byte[]) row.get("private_key_enc");
        // PKCS#8 of an Ed25519 key is 48 bytes starting 30 2e; stored is that plus a 16-byte GCM tag, not DER.
        assertThat(enc).hasSize(48 + 16);
        assertThat(enc[0] == 0x30 && enc[1] == 0x2e).isFalse();
    }
}
