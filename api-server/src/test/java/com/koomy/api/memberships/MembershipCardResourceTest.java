package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.memberships.CardRevocationDao;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipCards;
import com.koomy.memberships.MembershipDao;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link MembershipCardResource} alone, as {@link MembershipsRoutes} registers it, with card keys configured. */
class MembershipCardResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(MembershipCardResource.class, ResourceMemberships::register)
            .with(c -> c.setCardKeySecret(ResourceMemberships.CARD_KEY_SECRET)).checkingDeclaredCodes();

    private static String base(ResourceCommunity club) {
        return "/api/communities/" + club.id();
    }

    private static JsonNode card(ResourceCommunity club, ApiCalls.User holder) {
        ApiReply card = api.as(holder).get(base(club) + "/members/me/card");
        assertThat(card.status()).as(card.body().toString()).isEqualTo(200);
        return card.body();
    }

    private static ApiReply verify(ResourceCommunity club, ApiCalls.User caller, Object qr) {
        return api.as(caller).post(base(club) + "/cards/verify", Collections.singletonMap("qr", qr));
    }

    private static String result(ResourceCommunity club, String qr) {
        return verify(club, club.owner(), qr).body().get("result").asText();
    }

    private static void duesUntil(ApiCalls.User member, LocalDate date) {
        api.jdbi().useHandle(h -> h.execute("UPDATE memberships SET dues_paid_until = ? WHERE account_id = ?", date, member.id()));
    }

    /** Ends {@code member}'s membership as a removal does (Memberships#remove): the row gone, the card revoked. */
    private static void removed(ResourceCommunity club, ApiCalls.User member) {
        api.jdbi().useTransaction(h -> {
            h.attach(MembershipDao.class).delete(club.id(), member.id());
            h.attach(CardRevocationDao.class).revoke(club.id(), member.id(), MembershipCards.TTL.toSeconds());
        });
    }

    /** What a QR reader reads from the PNG. */
    private static String scanned(String pngBase64) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(pngBase64)));
        assertThat(image.getWidth()).isEqualTo(MembershipCardResource.QR_SIZE);
        assertThat(image.getHeight()).isEqualTo(MembershipCardResource.QR_SIZE);
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
    }

    @Test
    void myCardCarriesTheSignedPayloadUntilTheDuesEndAndAQrImageOfIt() throws Exception {
        ResourceCommunity club = ResourceCommunity.create(api, "Card club");
        ApiCalls.User ann = club.member("Ann Card");
        LocalDate dues = LocalDate.now(ZoneOffset.UTC).plusDays(2);
        duesUntil(ann, dues);

        JsonNode card = card(club, ann);

        Instant expiresAt = dues.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        assertThat(card.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(card.get("accountId").asText()).isEqualTo(ann.id().toString());
        assertThat(card.get("name").asText()).isEqualTo("Ann Card");
        assertThat(card.get("role").asText()).isEqualTo("member");
        assertThat(card.get("status").asText()).isEqualTo("active");
        assertThat(card.get("duesPaidUntil").asText()).isEqualTo(dues.toString());
        assertThat(Instant.parse(card.get("expiresAt").asText())).isEqualTo(expiresAt);
        assertThat(card.get("payload").asText())
                .isEqualTo("koomy-card:v1:" + club.id() + ":" + ann.id() + ":member:" + expiresAt.getEpochSecond());
        assertThat(card.get("signature").asText()).matches("[A-Za-z0-9_-]{86}"); // 64 bytes, base64url unpadded
        assertThat(card.get("qrContent").asText()).isEqualTo(card.get("payload").asText() + "." + card.get("signature").asText());
        assertThat(scanned(card.get("qrPngBase64").asText())).isEqualTo(card.get("qrContent").asText());
        assertThat(card.get("publicKey").asText()).isEqualTo(api.anonymous().get(base(club) + "/public-key").body()
                .get("publicKey").asText());
        assertThat(api.as(ann).get(base(club) + "/members/me/card?qr=false").body().get("qrPngBase64").isNull()).isTrue();
        assertThat(card(club, club.owner()).get("role").asText()).isEqualTo("owner");
    }

    @Test
    void onlyActiveMembersHaveACard() {
        ResourceCommunity club = ResourceCommunity.create(api, "Cardless club");
        String mine = base(club) + "/members/me/card";

        api.anonymous().get(mine).assertError(401, "unauthorized");
        api.as(club.member("Pending holder", Membership.MEMBER, Membership.PENDING)).get(mine).assertError(404, "community_not_found");
        api.as(club.member("Expired holder", Membership.MEMBER, Membership.EXPIRED)).get(mine).assertError(404, "community_not_found");
        api.as(api.account("No holder")).get(mine).assertError(404, "community_not_found");
        api.as(club.owner()).get("/api/communities/" + UUID.randomUUID() + "/members/me/card").assertError(404, "community_not_found");
        assertThat(api.count("community_keys WHERE community_id = '" + club.id() + "'")).isZero();
    }

    @Test
    void verifyTellsManagersWhetherACardIsValidForgedExpiredOrRevoked() {
        ResourceCommunity club = ResourceCommunity.create(api, "Door club");
        ResourceCommunity other = ResourceCommunity.create(api, "Other door club");
        ApiCalls.User ann = club.member("Ann Holder");
        ApiCalls.User gone = club.member("Gone Holder");
        ApiCalls.User lapsed = club.member("Lapsed Holder");
        duesUntil(lapsed, LocalDate.now(ZoneOffset.UTC).minusDays(1));
        String qr = card(club, ann).get("qrContent").asText();
        String goneQr = card(club, gone).get("qrContent").asText();
        String lapsedQr = card(club, lapsed).get("qrContent").asText();
        removed(club, gone);

        JsonNode valid = verify(club, club.admin("Door admin"), qr).body();

        assertThat(valid.get("result").asText()).isEqualTo("valid");
        assertThat(valid.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(valid.get("accountId").asText()).isEqualTo(ann.id().toString());
        assertThat(valid.get("name").asText()).isEqualTo("Ann Holder");
        assertThat(valid.get("role").asText()).isEqualTo("member");
        assertThat(valid.get("cardRole").asText()).isEqualTo("member");
        JsonNode forged = verify(club, club.owner(), qr.replace(":member:", ":admin:")).body();
        assertThat(forged.get("result").asText()).isEqualTo("invalid");
        assertThat(forged.get("accountId").isNull()).isTrue();
        assertThat(result(other, qr)).isEqualTo("invalid");
        assertThat(result(club, "not a card")).isEqualTo("invalid");
        assertThat(result(club, lapsedQr)).isEqualTo("expired");
        assertThat(result(club, goneQr)).isEqualTo("revoked");
    }

    @Test
    void verifyAndTheRevocationListAreForManagersAndVerifyRefusesBadBodies() {
        ResourceCommunity club = ResourceCommunity.create(api, "Listed club");
        ApiCalls.User gone = club.member("Gone member");
        ApiCalls.User member = club.member("Plain member");
        removed(club, gone);
        String revocations = base(club) + "/cards/revocations";

        JsonNode list = api.as(club.admin("List admin")).get(revocations).body();

        assertThat(list.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(list.get("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(list.get("format").asText()).isEqualTo("X.509");
        assertThat(list.get("publicKey").asText()).isEqualTo(card(club, member).get("publicKey").asText());
        assertThat(list.get("revoked")).hasSize(1);
        assertThat(list.get("revoked").get(0).get("accountId").asText()).isEqualTo(gone.id().toString());
        assertThat(Instant.parse(list.get("generatedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertFields(verify(club, club.owner(), null), "validation_failed", "qr");
        assertFields(verify(club, club.owner(), "q".repeat(4097)), "validation_failed", "qr");
        assertFields(api.as(club.owner()).post(base(club) + "/cards/verify", Map.of("qr", "x", "door", "A")), "unknown_field", "door");
        api.anonymous().post(base(club) + "/cards/verify", Map.of("qr", "x")).assertError(401, "unauthorized");
        verify(club, member, "x").assertError(403, "forbidden");
        verify(club, api.account("Verify stranger"), "x").assertError(404, "community_not_found");
        api.anonymous().get(revocations).assertError(401, "unauthorized");
        api.as(member).get(revocations).assertError(403, "forbidden");
        api.as(api.account("List stranger")).get(revocations).assertError(404, "community_not_found");
    }

    @Test
    void thePublicKeyIsAnyonesForAPublicCommunityAndMembersOnlyForAPrivateOne() throws Exception {
        ResourceCommunity open = ResourceCommunity.create(api, "Public key club");
        ResourceCommunity closed = ResourceCommunity.create(api, "Private key club", "private", "open");
        ApiCalls.User member = closed.member("Key member");

        JsonNode key = api.anonymous().get(base(open) + "/public-key").body();

        assertThat(key.get("communityId").asText()).isEqualTo(open.id().toString());
        assertThat(key.get("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(key.get("format").asText()).isEqualTo("X.509");
        assertThat(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                Base64.getDecoder().decode(key.get("publicKey").asText()))).getAlgorithm()).isIn("Ed25519", "EdDSA");
        String closedKey = api.as(member).get(base(closed) + "/public-key").body().get("publicKey").asText();
        assertThat(closedKey).isNotEqualTo(key.get("publicKey").asText());
        assertThat(api.as(closed.owner()).get(base(closed) + "/public-key").body().get("publicKey").asText()).isEqualTo(closedKey);
        api.anonymous().get(base(closed) + "/public-key").assertError(404, "community_not_found");
        api.as(api.account("Key stranger")).get(base(closed) + "/public-key").assertError(404, "community_not_found");
        api.anonymous().get("/api/communities/" + UUID.randomUUID() + "/public-key").assertError(404, "community_not_found");
    }
}
