package com.koomy.api.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCaller;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.media.Media;
import com.koomy.media.MediaDao;
import com.koomy.media.MediaVariant;
import com.koomy.memberships.Membership;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestImages;
import jakarta.ws.rs.client.Entity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** {@link MediaUploadResource} alone, as {@link MediaRoutes} registers it: who uploads where, what is refused, what is stored. */
class MediaUploadResourceTest {

    private static final ResourceMedia media = new ResourceMedia();

    @RegisterExtension
    static ResourceTests api = media.registered(MediaUploadResource.class)
            .with(config -> config.getMedia().setMaxImagesPerTarget(2));

    private static final byte[] PNG = TestImages.png(64, 48, false);

    @Test
    void aLogoIs201WithItsUrlAndItsRowBlobAndJobAreWrittenAndANewOneReleasesIt() {
        ResourceCommunity club = ResourceCommunity.create(api, "Photo club");
        String logo = "PUT /api/communities/" + club.id() + "/logo";

        ApiReply reply = upload(api.as(club.owner()), logo, "Image/PNG; name=logo.png", PNG);

        Media row = stored(reply, club, club.owner());
        JsonNode view = reply.body();
        assertThat(view.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(view.get("target").asText()).isEqualTo("community_logo");
        assertThat(view.get("targetId").asText()).isEqualTo(club.id().toString());
        assertThat(view.get("status").asText()).isEqualTo("processing");
        assertThat(view.get("format").asText()).isEqualTo("png");
        assertThat(view.get("width").asInt()).isEqualTo(64);
        assertThat(view.get("height").asInt()).isEqualTo(48);
        assertThat(view.at("/sizes/original/width").asInt()).isEqualTo(64);
        assertThat(view.at("/sizes/original/height").asInt()).isEqualTo(48);
        assertThat(view.get("sizes")).hasSize(1); // medium and thumb come from the worker
        assertThat(view.get("createdAt").asText()).isNotBlank();
        assertThat(view.get("releasedAt")).isEqualTo(NullNode.getInstance());
        assertThat(row.sourceFormat()).isEqualTo("png");

        ApiReply second = upload(api.as(club.admin("Admin")), logo, "image/jpeg", TestImages.jpeg(80, 60));
        Media replacing = stored(second, club, null);
        assertThat(replacing.format()).isEqualTo("jpeg"); // the type read from the bytes, as declared here
        assertThat(media.current(row.id())).isFalse();
        assertThat(media.current(replacing.id())).isTrue();
    }

    @Test
    void eachRouteStoresTheImageOfItsOwnTarget() {
        ResourceCommunity club = ResourceCommunity.create(api, "Targets club");
        ApiCalls.User member = club.member("Member");
        UUID post = media.post(club, false);
        UUID event = media.event(club, "members");
        String base = "/api/communities/" + club.id();

        Media cover = stored(upload(api.as(club.owner()), "PUT " + base + "/cover", "application/octet-stream",
                TestImages.jpeg(120, 90)), club, club.owner());
        assertThat(List.<Object>of(cover.targetKind(), cover.targetId(), cover.format(), cover.sourceFormat()))
                .containsExactly("community_cover", club.id(), "jpeg", "jpeg");
        Media avatar = stored(upload(api.as(member), "PUT " + base + "/members/me/avatar", "image/webp",
                TestImages.resource("photo-320x200.webp")), club, member);
        assertThat(List.<Object>of(avatar.targetKind(), avatar.targetId(), avatar.format(), avatar.sourceFormat()))
                .containsExactly("member_avatar", member.id(), "jpeg", "webp");
        Media newsImage = stored(upload(api.as(club.owner()), "POST " + base + "/news/" + post + "/images", "image/png",
                PNG), club, club.owner());
        assertThat(List.<Object>of(newsImage.targetKind(), newsImage.targetId())).containsExactly("news_image", post);
        Media eventImage = stored(upload(api.as(club.owner()), "POST " + base + "/events/" + event + "/images",
                "image/png", PNG), club, club.owner());
        assertThat(List.<Object>of(eventImage.targetKind(), eventImage.targetId())).containsExactly("event_image", event);
    }

    @Test
    void signedOutIs401OtherMembersAre403AndNonMembersOrOtherTargetsAre404WithNothingStored() {
        ResourceCommunity club = ResourceCommunity.create(api, "Gated club");
        ResourceCommunity other = ResourceCommunity.create(api, "Other club");
        ApiCalls.User member = club.member("Member");
        ApiCalls.User pending = club.member("Pending", Membership.MEMBER, Membership.PENDING);
        String base = "/api/communities/" + club.id();
        List<String> managerRoutes = List.of("PUT " + base + "/logo", "PUT " + base + "/cover",
                "POST " + base + "/news/" + media.post(club, true) + "/images",
                "POST " + base + "/events/" + media.event(club, "public") + "/images");
        String avatar = "PUT " + base + "/members/me/avatar";
        List<Long> before = media.state();

        for (String route : managerRoutes) {
            upload(api.anonymous(), route, "image/png", PNG).assertError(401, "unauthorized");
            upload(api.as(member), route, "image/png", PNG).assertError(403, "forbidden");
            upload(api.as(other.owner()), route, "image/png", PNG).assertError(404, "community_not_found");
            upload(api.as(pending), route, "image/png", PNG).assertError(404, "community_not_found");
        }
        upload(api.anonymous(), avatar, "image/png", PNG).assertError(401, "unauthorized");
        upload(api.as(other.owner()), avatar, "image/png", PNG).assertError(404, "community_not_found");
        upload(api.as(pending), avatar, "image/png", PNG).assertError(404, "community_not_found");
        upload(api.as(club.owner()), "PUT /api/communities/" + UUID.randomUUID() + "/logo", "image/png", PNG)
                .assertError(404, "community_not_found");
        // Another community's post or event, or none: not found through this community, whatever its id.
        for (UUID post : List.of(UUID.randomUUID(), media.post(other, true))) {
            upload(api.as(club.owner()), "POST " + base + "/news/" + post + "/images", "image/png", PNG)
                    .assertError(404, "news_not_found");
        }
        for (UUID event : List.of(UUID.randomUUID(), media.event(other, "public"))) {
            upload(api.as(club.owner()), "POST " + base + "/events/" + event + "/images", "image/png", PNG)
                    .assertError(404, "event_not_found");
        }
        assertThat(media.state()).isEqualTo(before);
    }

    @Test
    void aWrongTypeAnEmptyOrOversizedBodyOrBytesThatAreNoImageAreRefusedWithNothingStored() {
        ResourceCommunity club = ResourceCommunity.create(api, "Careful club");
        ResourceCaller owner = api.as(club.owner());
        String logo = "PUT /api/communities/" + club.id() + "/logo";
        long max = api.app().config().getMedia().getMaxUploadSize().toBytes();
        List<Long> before = media.state();

        for (String type : List.of("text/plain", "application/json", "multipart/form-data; boundary=x", "image/gif")) {
            upload(owner, logo, type, PNG).assertError(415, "unsupported_media_type");
        }
        upload(owner, logo, "image/png", new byte[0]).assertError(400, "empty_body");
        owner.put(logo.substring(4), null).assertError(400, "empty_body"); // no type: taken as octet-stream
        assertThat(upload(owner, logo, "image/png", new byte[(int) max + 1]).assertError(413, "payload_too_large")
                .message()).isEqualTo("images are limited to " + max + " bytes");
        upload(owner, logo, "image/png", PNG, "Content-Length", String.valueOf(max + 1))
                .assertError(413, "payload_too_large");
        upload(owner, logo, "image/png", "<?php echo shell_exec($_GET['cmd']); ?>".getBytes(StandardCharsets.UTF_8))
                .assertError(415, "unsupported_image_type");
        upload(owner, logo, "image/jpeg", TestImages.truncated(TestImages.jpeg(600, 400), 0.5))
                .assertError(422, "invalid_image");
        upload(owner, logo, "image/png", TestImages.pngBomb(30_000, 30_000)).assertError(422, "image_too_large");
        assertThat(media.state()).isEqualTo(before);
    }

    @Test
    void aPostOrEventWithTheMostImagesAllowedRefusesAnotherWith409() {
        ResourceCommunity club = ResourceCommunity.create(api, "Full club");
        String base = "/api/communities/" + club.id();
        for (String route : List.of("POST " + base + "/news/" + media.post(club, false) + "/images",
                "POST " + base + "/events/" + media.event(club, "members") + "/images")) {
            stored(upload(api.as(club.owner()), route, "image/png", PNG), club, club.owner());
            stored(upload(api.as(club.owner()), route, "image/jpeg", TestImages.jpeg(90, 60)), club, club.owner());
            List<Long> before = media.state(); // the first image's bytes again: their blob is stored already

            upload(api.as(club.owner()), route, "image/png", PNG).assertError(409, "too_many_images");
            assertThat(media.state()).isEqualTo(before);
        }
    }

    @Test
    void storageThatFailsIs503AndRecordsNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Unlucky club");
        String base = "PUT /api/communities/" + club.id();
        byte[] image = TestImages.png(70, 70, true);
        ApiReply first = upload(api.as(club.owner()), base + "/logo", "image/png", image);
        String key = ResourceMedia.key(first.body().get("url").asText());
        media.breakStorageAt(key);
        List<Long> before = media.state();

        upload(api.as(club.owner()), base + "/cover", "image/png", image).assertError(503, "storage_unavailable");
        assertThat(media.state()).isEqualTo(before);
    }

    @Test
    void theStatusesShownHereAreTheDocumentedOnes() {
        List<Integer> upload = List.of(201, 401, 403, 404, 413, 415, 422);
        ResourceMedia.documented("uploadLogo", upload.toArray(Integer[]::new));
        ResourceMedia.documented("uploadCover", upload.toArray(Integer[]::new));
        ResourceMedia.documented("uploadMyAvatar", upload.toArray(Integer[]::new));
        ResourceMedia.documented("addNewsImage", 201, 401, 403, 404, 409, 413, 415, 422);
        ResourceMedia.documented("addEventImage", 201, 401, 403, 404, 409, 413, 415, 422);
    }

    private static ApiReply upload(ResourceCaller caller, String route, String type, byte[] image, String... headers) {
        String[] parts = route.split(" ", 2);
        return caller.send(parts[0], parts[1], Entity.entity(image, type), headers);
    }

    /**
     * Asserts that {@code reply} is a 201 whose image was recorded in {@code club} as uploaded by {@code by} (any
     * manager when null): its row as answered, its original size on the blob of its URL, that blob in storage, the
     * worker's job queued and no temporary file left; returns the row.
     */
    private static Media stored(ApiReply reply, ResourceCommunity club, ApiCalls.User by) {
        assertThat(reply.status()).as("status (body %s)", reply.body()).isEqualTo(201);
        JsonNode view = reply.body();
        UUID id = UUID.fromString(view.get("id").asText());
        Media row = api.jdbi().withExtension(MediaDao.class, dao -> dao.find(club.id(), id)).orElseThrow();
        assertThat(List.<Object>of(row.targetKind(), row.targetId().toString(), row.format(), row.width(), row.height(),
                row.status())).containsExactly(view.get("target").asText(), view.get("targetId").asText(),
                view.get("format").asText(), view.get("width").asInt(), view.get("height").asInt(), Media.PROCESSING);
        if (by != null) {
            assertThat(row.uploadedBy()).isEqualTo(by.id());
        }
        String key = ResourceMedia.key(view.get("url").asText());
        assertThat(view.get("url").asText()).isEqualTo(media.url(key)).matches(".*/media/[0-9a-f]{64}\\.(png|jpg)");
        assertThat(view.at("/sizes/original/url").asText()).isEqualTo(view.get("url").asText());
        List<MediaVariant> variants = api.jdbi().withExtension(MediaDao.class, dao -> dao.variants(List.of(id)));
        assertThat(variants).extracting(MediaVariant::variant, MediaVariant::blobKey)
                .containsExactly(tuple(MediaVariant.ORIGINAL, key));
        assertThat(media.inStorage(key)).as("blob %s in storage", key).isTrue();
        assertThat(api.count("outbox WHERE kind = 'media' AND ref = '" + id + "'")).isEqualTo(1);
        assertThat(MediaCalls.files(media.temp)).isZero();
        return row;
    }
}
