package com.koomy.api.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaTarget;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MediaResource} alone, as {@link MediaRoutes} registers it: images read as their readers may, and removed. */
class MediaResourceTest {

    private static final ResourceMedia media = new ResourceMedia();

    @RegisterExtension
    static ResourceTests api = media.registered(MediaResource.class);

    private static final byte[] PNG = TestImages.png(64, 48, false);

    @Test
    void anImageIsAnsweredWithEachOfItsSizesAndStillOnceReleased() {
        ResourceCommunity club = ResourceCommunity.create(api, "Photo club");
        CommunityMedia.Item logo = media.upload(MediaTarget.COMMUNITY_LOGO, club, club.owner().id(), club.id(), PNG);
        media.ready(logo);
        String path = "/api/communities/" + club.id() + "/media/" + logo.media().id();
        String key = logo.variants().get(0).blobKey();

        JsonNode view = ok(api.anonymous().get(path)); // the logo of a public community
        assertThat(view.get("id").asText()).isEqualTo(logo.media().id().toString());
        assertThat(view.get("communityId").asText()).isEqualTo(club.id().toString());
        assertThat(view.get("target").asText()).isEqualTo("community_logo");
        assertThat(view.get("targetId").asText()).isEqualTo(club.id().toString());
        assertThat(view.get("status").asText()).isEqualTo("ready");
        assertThat(List.<Object>of(view.get("format").asText(), view.get("width").asInt(), view.get("height").asInt()))
                .containsExactly("png", 64, 48);
        assertThat(view.get("url").asText()).isEqualTo(media.url(key));
        List<String> sizes = new ArrayList<>();
        view.get("sizes").fieldNames().forEachRemaining(sizes::add);
        assertThat(sizes).containsExactly("original", "medium", "thumb");
        assertThat(view.at("/sizes/medium/url").asText()).isEqualTo(media.url(key));
        assertThat(List.<Object>of(view.at("/sizes/thumb/width").asInt(), view.at("/sizes/thumb/height").asInt()))
                .containsExactly(256, 192);
        assertThat(view.get("releasedAt")).isEqualTo(NullNode.getInstance());

        assertThat(api.as(club.owner()).delete("/api/communities/" + club.id() + "/logo").status()).isEqualTo(204);
        assertThat(media.current(logo.media().id())).isFalse();
        assertThat(ok(api.anonymous().get(path)).get("releasedAt").asText()).isNotBlank();
    }

    @Test
    void anUnknownImageOrOneOfAnotherCommunityIs404AndAPrivateCommunitysAreForItsMembers() {
        ResourceCommunity club = ResourceCommunity.create(api, "Darkroom", "private", "approval");
        ResourceCommunity other = ResourceCommunity.create(api, "Other club");
        ApiCalls.User member = club.member("Member");
        UUID logo = media.upload(MediaTarget.COMMUNITY_LOGO, club, club.owner().id(), club.id(), PNG).media().id();
        String images = "/api/communities/" + club.id() + "/images";

        assertThat(ok(api.as(member).get("/api/communities/" + club.id() + "/media/" + logo)).get("id").asText())
                .isEqualTo(logo.toString());
        api.anonymous().get("/api/communities/" + club.id() + "/media/" + logo).assertError(404, "community_not_found");
        api.as(other.owner()).get("/api/communities/" + club.id() + "/media/" + logo).assertError(404, "community_not_found");
        api.as(other.owner()).get("/api/communities/" + other.id() + "/media/" + logo).assertError(404, "media_not_found");
        api.as(member).get("/api/communities/" + club.id() + "/media/" + UUID.randomUUID()).assertError(404, "media_not_found");

        JsonNode both = ok(api.as(member).get(images));
        assertThat(both.at("/logo/id").asText()).isEqualTo(logo.toString());
        assertThat(both.get("cover")).isEqualTo(NullNode.getInstance());
        api.anonymous().get(images).assertError(404, "community_not_found");
        api.as(other.owner()).get(images).assertError(404, "community_not_found");
        api.anonymous().get("/api/communities/" + UUID.randomUUID() + "/images").assertError(404, "community_not_found");
        assertThat(ok(api.anonymous().get("/api/communities/" + other.id() + "/images")).get("logo"))
                .isEqualTo(NullNode.getInstance());
    }

    @Test
    void logoAndCoverAreRemovedByManagersOnly() {
        ResourceCommunity club = ResourceCommunity.create(api, "Removal club");
        ResourceCommunity other = ResourceCommunity.create(api, "Bystanders");
        UUID cover = media.upload(MediaTarget.COMMUNITY_COVER, club, club.owner().id(), club.id(), PNG).media().id();
        String base = "/api/communities/" + club.id();
        List<Long> before = media.state();

        for (String route : List.of(base + "/logo", base + "/cover")) {
            api.anonymous().delete(route).assertError(401, "unauthorized");
            api.as(club.member("Member")).delete(route).assertError(403, "forbidden");
            api.as(other.owner()).delete(route).assertError(404, "community_not_found");
        }
        api.as(club.owner()).delete(base + "/logo").assertError(404, "media_not_found"); // there is none
        assertThat(media.state()).isEqualTo(before);

        assertThat(api.as(club.admin("Admin")).delete(base + "/cover").status()).isEqualTo(204);
        assertThat(media.current(cover)).isFalse();
        api.as(club.owner()).delete(base + "/cover").assertError(404, "media_not_found");
        assertThat(ok(api.anonymous().get(base + "/images")).get("cover")).isEqualTo(NullNode.getInstance());
    }

    @Test
    void avatarsAreReadByMembersAndRemovedByTheirOwnerOrAManager() {
        ResourceCommunity club = ResourceCommunity.create(api, "Avatar club");
        ResourceCommunity other = ResourceCommunity.create(api, "Strangers");
        ApiCalls.User member = club.member("Member");
        ApiCalls.User peer = club.member("Peer");
        UUID avatar = media.upload(MediaTarget.MEMBER_AVATAR, club, member.id(), member.id(), PNG).media().id();
        String base = "/api/communities/" + club.id() + "/members/";
        List<Long> before = media.state();

        assertThat(ok(api.as(peer).get(base + member.id() + "/avatar")).get("id").asText()).isEqualTo(avatar.toString());
        api.anonymous().get(base + member.id() + "/avatar").assertError(401, "unauthorized");
        api.as(other.owner()).get(base + member.id() + "/avatar").assertError(404, "community_not_found");
        api.as(member).get(base + peer.id() + "/avatar").assertError(404, "media_not_found");
        api.anonymous().delete(base + "me/avatar").assertError(401, "unauthorized");
        api.as(other.owner()).delete(base + "me/avatar").assertError(404, "community_not_found");
        api.as(peer).delete(base + "me/avatar").assertError(404, "media_not_found");
        api.anonymous().delete(base + member.id() + "/avatar").assertError(401, "unauthorized");
        api.as(peer).delete(base + member.id() + "/avatar").assertError(403, "forbidden");
        api.as(club.owner()).delete(base + peer.id() + "/avatar").assertError(404, "media_not_found");
        assertThat(media.state()).isEqualTo(before);

        assertThat(api.as(member).delete(base + "me/avatar").status()).isEqualTo(204);
        assertThat(media.current(avatar)).isFalse();
        api.as(member).delete(base + "me/avatar").assertError(404, "media_not_found");
        UUID second = media.upload(MediaTarget.MEMBER_AVATAR, club, member.id(), member.id(), PNG).media().id();
        assertThat(api.as(club.admin("Moderator")).delete(base + member.id() + "/avatar").status()).isEqualTo(204);
        assertThat(media.current(second)).isFalse();
        UUID third = media.upload(MediaTarget.MEMBER_AVATAR, club, member.id(), member.id(), PNG).media().id();
        assertThat(api.as(member).delete(base + member.id() + "/avatar").status()).isEqualTo(204); // themself
        assertThat(media.current(third)).isFalse();
    }

    @Test
    void newsImagesAreReadAsThePostAndRemovedByManagers() {
        ResourceCommunity club = ResourceCommunity.create(api, "News club");
        ResourceCommunity other = ResourceCommunity.create(api, "Other news");
        ApiCalls.User member = club.member("Member");
        UUID draft = media.post(club, false);
        UUID published = media.post(club, true);
        List<UUID> uploaded = List.of(upload(MediaTarget.NEWS_IMAGE, club, published),
                upload(MediaTarget.NEWS_IMAGE, club, published));
        UUID inDraft = upload(MediaTarget.NEWS_IMAGE, club, draft);
        UUID foreign = upload(MediaTarget.NEWS_IMAGE, other, media.post(other, true));
        String news = "/api/communities/" + club.id() + "/news/";

        assertThat(ids(api.as(member).get(news + published + "/images"))).isEqualTo(uploaded); // in upload order
        assertThat(ids(api.as(club.owner()).get(news + draft + "/images"))).containsExactly(inDraft);
        api.as(member).get(news + draft + "/images").assertError(404, "news_not_found");
        api.as(member).get(news + UUID.randomUUID() + "/images").assertError(404, "news_not_found");
        api.anonymous().get(news + published + "/images").assertError(401, "unauthorized");
        api.as(other.owner()).get(news + published + "/images").assertError(404, "community_not_found");
        assertRemovedByManagers(club, news + published + "/images/", uploaded.get(0), foreign);
    }

    @Test
    void eventImagesAreReadAsTheEventAndRemovedByManagers() {
        ResourceCommunity club = ResourceCommunity.create(api, "Event club");
        ResourceCommunity other = ResourceCommunity.create(api, "Other events");
        UUID open = media.event(club, "public");
        UUID closed = media.event(club, "members");
        UUID image = upload(MediaTarget.EVENT_IMAGE, club, open);
        UUID inClosed = upload(MediaTarget.EVENT_IMAGE, club, closed);
        UUID foreignEvent = media.event(other, "public");
        UUID foreign = upload(MediaTarget.EVENT_IMAGE, other, foreignEvent);
        String events = "/api/communities/" + club.id() + "/events/";

        assertThat(ids(api.anonymous().get(events + open + "/images"))).containsExactly(image);
        assertThat(ids(api.as(club.member("Member")).get(events + closed + "/images"))).containsExactly(inClosed);
        api.anonymous().get(events + closed + "/images").assertError(404, "community_not_found");
        api.as(other.owner()).get(events + closed + "/images").assertError(404, "community_not_found");
        api.anonymous().get(events + foreignEvent + "/images").assertError(404, "event_not_found");
        api.anonymous().get(events + UUID.randomUUID() + "/images").assertError(404, "event_not_found");
        assertRemovedByManagers(club, events + open + "/images/", image, foreign);
    }

    @Test
    void theStatusesShownHereAreTheDocumentedOnes() {
        ResourceMedia.documented("getMedia", 200, 404);
        ResourceMedia.documented("getCommunityImages", 200, 404);
        ResourceMedia.documented("listEventImages", 200, 404);
        ResourceMedia.documented("listNewsImages", 200, 401, 403, 404);
        ResourceMedia.documented("getMemberAvatar", 200, 401, 403, 404);
        for (String delete : List.of("deleteLogo", "deleteCover", "deleteMemberAvatar", "deleteMyAvatar",
                "deleteNewsImage", "deleteEventImage")) {
            ResourceMedia.documented(delete, 204, 401, 403, 404);
        }
    }

    /**
     * One image of a list ({@code images}: its path, ending in '/') removed: signed out 401, a member 403, an unknown
     * id or {@code foreign} (another community's image) 404, all changing nothing; then an admin 204 and the image
     * released, and a second time 404.
     */
    private static void assertRemovedByManagers(ResourceCommunity club, String images, UUID image, UUID foreign) {
        List<Long> before = media.state();
        api.anonymous().delete(images + image).assertError(401, "unauthorized");
        api.as(club.member("Bystander")).delete(images + image).assertError(403, "forbidden");
        api.as(club.owner()).delete(images + UUID.randomUUID()).assertError(404, "media_not_found");
        api.as(club.owner()).delete(images + foreign).assertError(404, "media_not_found");
        assertThat(media.state()).isEqualTo(before);

        assertThat(api.as(club.admin("Editor")).delete(images + image).status()).isEqualTo(204);
        assertThat(media.current(image)).isFalse();
        assertThat(media.current(foreign)).isTrue();
        api.as(club.owner()).delete(images + image).assertError(404, "media_not_found");
    }

    private static UUID upload(MediaTarget target, ResourceCommunity community, UUID targetId) {
        return media.upload(target, community, community.owner().id(), targetId, PNG).media().id();
    }

    private static List<UUID> ids(ApiReply reply) {
        List<UUID> ids = new ArrayList<>();
        ok(reply).get("items").forEach(item -> ids.add(UUID.fromString(item.get("id").asText())));
        return ids;
    }

    private static JsonNode ok(ApiReply reply) {
        assertThat(reply.status()).as("status (body %s)", reply.body()).isEqualTo(200);
        return reply.body();
    }
}
