package com.koomy.api.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestImages;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Uploads through the API on the local store: what is stored and served, and who may upload or read what. */
class MediaIntegrationTest {

    private static final Path STORAGE = MediaCalls.temporaryDirectory("koomy-media-it-");

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("media.storage.localDir", STORAGE.toString()));

    private static ApiCalls api;
    private static MediaCalls media;
    private static User owner;
    private static User member;
    private static User stranger;
    private static User otherOwner;
    private static UUID club;
    private static UUID privateClub;
    private static UUID otherClub;
    private static UUID post;
    private static UUID otherPost;

    @BeforeAll
    static void setUp() {
        api = new ApiCalls(app::getLocalPort).checkingContract();
        media = new MediaCalls(app::getLocalPort);
        owner = api.user("Owner Olga");
        member = api.user("Member Max");
        stranger = api.user("Stranger Sam");
        otherOwner = api.user("Other Otto");
        club = api.community(owner, "Photo club", "public", "open");
        privateClub = api.community(owner, "Darkroom", "private", "approval");
        otherClub = api.community(otherOwner, "Other club", "public", "open");
        assertThat(api.call("POST", "/api/communities/" + club + "/join", member.token(), null).status()).isEqualTo(201);
        post = UUID.fromString(api.call("POST", "/api/communities/" + club + "/news", owner.token(),
                Map.of("title", "Expo")).body().get("id").asText());
        otherPost = UUID.fromString(api.call("POST", "/api/communities/" + otherClub + "/news", otherOwner.token(),
                Map.of("title", "Ailleurs")).body().get("id").asText());
    }

    @Test
    void anUploadedPhotoIsStoredWithoutGpsAndServedImmutable() {
        byte[] photo = TestImages.jpegWithGps(1600, 1200);
        ApiReply reply = media.upload("PUT", "/api/communities/" + club + "/cover", owner.token(), "image/jpeg", photo);

        assertThat(reply.status()).isEqualTo(201);
        JsonNode body = reply.body();
        assertThat(body.get("target").asText()).isEqualTo("community_cover");
        assertThat(body.get("status").asText()).isEqualTo("processing");
        assertThat(body.get("format").asText()).isEqualTo("jpeg");
        assertThat(body.get("width").asInt()).isEqualTo(1600);
        String url = body.get("url").asText();
        assertThat(url).matches("http://127\\.0\\.0\\.1:8080/media/[0-9a-f]{64}\\.jpg");
        assertThat(body.get("sizes").get("original").get("url").asText()).isEqualTo(url);

        HttpResponse<byte[]> served = media.fetch(url, null);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(served.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        byte[] stored = served.body();
        assertThat(TestImages.hasExif(stored)).isFalse();
        assertThat(TestImages.contains(stored, TestImages.GPS_LATITUDE_DEGREES)).isFalse();
        assertThat(TestImages.decode(stored).getWidth()).isEqualTo(1600);

        String etag = served.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> head = media.head(url);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(stored.length));
        assertThat(head.body()).isEmpty();
        assertThat(media.fetch(url, etag).statusCode()).isEqualTo(304);
        assertThat(media.fetch("/media/" + "0".repeat(64) + ".jpg", null).statusCode()).isEqualTo(404);
        assertThat(media.fetch("/media/..%2F..%2Fetc%2Fpasswd", null).statusCode()).isIn(400, 404);
    }

    @Test
    void aNewLogoReplacesTheOldOneWhoseUrlKeepsWorking() {
        String logo = "/api/communities/" + club + "/logo";
        ApiReply first = media.upload("PUT", logo, owner.token(), "image/png", TestImages.png(300, 300, true));
        ApiReply second = media.upload("PUT", logo, owner.token(), "application/octet-stream", TestImages.resource("alpha-300x300.webp"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.body().get("format").asText()).isEqualTo("png");

        ApiReply images = api.get("/api/communities/" + club + "/images", null);
        assertThat(images.status()).isEqualTo(200);
        assertThat(images.body().get("logo").get("id").asText()).isEqualTo(second.body().get("id").asText());

        ApiReply old = api.get("/api/communities/" + club + "/media/" + first.body().get("id").asText(), owner.token());
        assertThat(old.body().get("releasedAt").isNull()).isFalse();
        assertThat(media.fetch(first.body().get("url").asText(), null).statusCode()).isEqualTo(200);

        assertThat(api.call("DELETE", logo, owner.token(), null).status()).isEqualTo(204);
        assertThat(api.get("/api/communities/" + club + "/images", null).body().get("logo").isNull()).isTrue();
        assertThat(api.call("DELETE", logo, owner.token(), null).code()).isEqualTo("media_not_found");
    }

    @Test
    void membersUploadTheirOwnAvatarAndAdminsAddNewsImages() {
        ApiReply avatar = media.upload("PUT", "/api/communities/" + club + "/members/me/avatar", member.token(),
                "image/webp", TestImages.resource("photo-320x200.webp"));
        assertThat(avatar.status()).isEqualTo(201);
        assertThat(avatar.body().get("format").asText()).isEqualTo("jpeg");
        assertThat(avatar.body().get("targetId").asText()).isEqualTo(member.id().toString());
        assertThat(api.get("/api/communities/" + club + "/members/" + member.id() + "/avatar", owner.token())
                .body().get("id").asText()).isEqualTo(avatar.body().get("id").asText());

        String images = "/api/communities/" + club + "/news/" + post + "/images";
        ApiReply image = media.upload("POST", images, owner.token(), "image/jpeg", TestImages.jpeg(800, 600));
        assertThat(image.status()).isEqualTo(201);
        assertThat(api.get(images, owner.token()).body().get("items")).hasSize(1);
        // A draft's images are for those who see the draft.
        assertThat(api.get(images, member.token()).code()).isEqualTo("news_not_found");
        assertThat(api.call("DELETE", images + "/" + image.body().get("id").asText(), owner.token(), null).status())
                .isEqualTo(204);
        assertThat(api.get(images, owner.token()).body().get("items")).isEmpty();
    }

    @Test
    void adminsAddEventImagesWhichFollowTheEventsVisibility() {
        java.time.Instant start = java.time.Instant.now().plus(java.time.Duration.ofDays(3));
        UUID membersOnly = event(club, "Vernissage", "members", start);
        UUID open = event(club, "Open day", "public", start);
        UUID foreign = event(otherClub, "Elsewhere", "public", start);

        String images = "/api/communities/" + club + "/events/" + membersOnly + "/images";
        ApiReply image = media.upload("POST", images, owner.token(), "image/jpeg", TestImages.jpeg(800, 600));
        assertThat(image.status()).isEqualTo(201);
        assertThat(image.body().get("target").asText()).isEqualTo("event_image");
        assertThat(api.get(images, member.token()).body().get("items")).hasSize(1);
        assertThat(api.get(images, stranger.token()).status()).isEqualTo(404);
        assertThat(api.get(images, null).status()).isEqualTo(404);
        assertThat(media.upload("POST", images, member.token(), "image/jpeg", TestImages.jpeg(80, 60)).status()).isEqualTo(403);

        String openImages = "/api/communities/" + club + "/events/" + open + "/images";
        assertThat(media.upload("POST", openImages, owner.token(), "image/png", TestImages.png(64, 64, false)).status())
                .isEqualTo(201);
        assertThat(api.get(openImages, null).body().get("items")).hasSize(1); // a public event of a public community

        // Another community's event, through this community's path or its own: 404 for this owner, nothing stored.
        ApiReply crossed = media.upload("POST", "/api/communities/" + club + "/events/" + foreign + "/images", owner.token(),
                "image/jpeg", TestImages.jpeg(80, 60));
        assertThat(crossed.status()).isEqualTo(404);
        assertThat(crossed.code()).isEqualTo("event_not_found");
        assertThat(media.upload("POST", "/api/communities/" + otherClub + "/events/" + foreign + "/images", owner.token(),
                "image/jpeg", TestImages.jpeg(80, 60)).status()).isEqualTo(404);

        assertThat(api.call("DELETE", images + "/" + image.body().get("id").asText(), owner.token(), null).status())
                .isEqualTo(204);
        assertThat(api.get(images, owner.token()).body().get("items")).isEmpty();
    }

    private static UUID event(UUID community, String title, String visibility, java.time.Instant start) {
        User by = community.equals(club) ? owner : otherOwner;
        ApiReply created = api.call("POST", "/api/communities/" + community + "/events", by.token(), Map.of("title", title,
                "startsAt", start.toString(), "endsAt", start.plusSeconds(7200).toString(), "timeZone", "Europe/Paris",
                "visibility", visibility));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }

    @Test
    void everyUploadRouteKeepsTenantsApart() {
        byte[] png = TestImages.png(64, 64, false);
        List<String> managerRoutes = List.of(
                "PUT /api/communities/" + club + "/logo",
                "PUT /api/communities/" + club + "/cover",
                "POST /api/communities/" + club + "/news/" + post + "/images");
        long mediaBefore = count();
        for (String route : managerRoutes) {
            String[] parts = route.split(" ");
            ApiReply byStranger = media.upload(parts[0], parts[1], stranger.token(), "image/png", png);
            assertThat(byStranger.status()).as(route).isEqualTo(404);
            assertThat(byStranger.code()).as(route).isEqualTo("community_not_found");
            ApiReply byOtherOwner = media.upload(parts[0], parts[1], otherOwner.token(), "image/png", png);
            assertThat(byOtherOwner.code()).as(route).isEqualTo("community_not_found");
            ApiReply byMember = media.upload(parts[0], parts[1], member.token(), "image/png", png);
            assertThat(byMember.status()).as(route).isEqualTo(403);
        }
        ApiReply strangerAvatar = media.upload("PUT", "/api/communities/" + club + "/members/me/avatar",
                stranger.token(), "image/png", png);
        assertThat(strangerAvatar.code()).isEqualTo("community_not_found");
        // Another community's news post, through this community's path: not found, whatever its id.
        ApiReply foreignPost = media.upload("POST", "/api/communities/" + club + "/news/" + otherPost + "/images",
                owner.token(), "image/png", png);
        assertThat(foreignPost.status()).isEqualTo(404);
        assertThat(foreignPost.code()).isEqualTo("news_not_found");
        // A pending member of a community by approval has no avatar there.
        UUID byApproval = api.community(owner, "Jury", "public", "approval");
        ApiReply joined = api.call("POST", "/api/communities/" + byApproval + "/join", stranger.token(), null);
        assertThat(joined.body().get("status").asText()).isEqualTo("pending");
        assertThat(media.upload("PUT", "/api/communities/" + byApproval + "/members/me/avatar", stranger.token(),
                "image/png", png).code()).isEqualTo("community_not_found");
        assertThat(count()).isEqualTo(mediaBefore);

        // Reads: a private community's images and another community's media ids.
        ApiReply logo = media.upload("PUT", "/api/communities/" + privateClub + "/logo", owner.token(), "image/png", png);
        assertThat(logo.status()).isEqualTo(201);
        assertThat(api.get("/api/communities/" + privateClub + "/images", stranger.token()).code()).isEqualTo("community_not_found");
        assertThat(api.get("/api/communities/" + privateClub + "/images", null).code()).isEqualTo("community_not_found");
        String id = logo.body().get("id").asText();
        assertThat(api.get("/api/communities/" + privateClub + "/media/" + id, stranger.token()).code()).isEqualTo("community_not_found");
        assertThat(api.get("/api/communities/" + otherClub + "/media/" + id, otherOwner.token()).code()).isEqualTo("media_not_found");
        assertThat(api.get("/api/communities/" + club + "/members/" + member.id() + "/avatar", stranger.token()).code())
                .isEqualTo("community_not_found");
        // Deletes.
        assertThat(api.call("DELETE", "/api/communities/" + privateClub + "/logo", stranger.token(), null).code())
                .isEqualTo("community_not_found");
        assertThat(api.call("DELETE", "/api/communities/" + club + "/members/" + owner.id() + "/avatar", member.token(), null)
                .status()).isEqualTo(403);
    }

    private static long count() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM media").mapTo(Long.class).one());
    }
}
