package com.koomy.api.newsletters;

import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Newsletters refused (issue 20): plain members and other communities' admins, bad input, plan limits; each changes nothing. */
class NewsletterRefusalsIntegrationTest {

    @RegisterExtension
    static NewsletterWorld world = new NewsletterWorld();

    @Test
    void plainMembersAndOtherCommunitiesAdminsAreRefused() {
        UUID id = world.draft("Private", "Draft.", "all");
        List<String[]> routes = List.of(new String[]{"POST", world.base()}, new String[]{"GET", world.base()},
                new String[]{"GET", world.base() + "/" + id}, new String[]{"PATCH", world.base() + "/" + id},
                new String[]{"GET", world.base() + "/" + id + "/preview"}, new String[]{"POST", world.base() + "/" + id + "/test"},
                new String[]{"POST", world.base() + "/" + id + "/send"}, new String[]{"POST", world.base() + "/" + id + "/cancel"});
        List<String> wrong = new ArrayList<>();
        for (String[] r : routes) {
            Object body = r[0].equals("GET") ? null : Map.of("subject", "Hijacked");
            ApiReply member = world.api.call(r[0], r[1], world.ada.token(), r[1].endsWith("/send") ? Map.of() : body);
            ApiReply outsider = world.api.call(r[0], r[1], world.stranger.token(), r[1].endsWith("/send") ? Map.of() : body);
            ApiReply anonymous = world.api.call(r[0], r[1], null, body);
            if (member.status() != 403 || outsider.status() != 404 || anonymous.status() != 401) {
                wrong.add(r[0] + " " + r[1] + ": member " + member.status() + ", outsider " + outsider.status()
                        + ", anonymous " + anonymous.status());
            }
        }
        assertThat(wrong).isEmpty();
        // The other community's owner cannot reach this newsletter through their own community either.
        assertThat(world.api.get("/api/communities/" + world.otherCommunity + "/newsletters/" + id, world.stranger.token()).status()).isEqualTo(404);
        ApiReply still = world.api.get(world.base() + "/" + id, world.owner.token());
        assertThat(still.body().get("subject").asText()).isEqualTo("Private");
        assertThat(still.body().get("status").asText()).isEqualTo("draft");
    }

    @Test
    void badInputIsAJsonErrorNamingTheFieldAndChangesNothing() {
        long before = world.count();
        ApiReply blank = world.api.call("POST", world.base(), world.owner.token(), Map.of("subject", "   ", "body", "Text."));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.code()).isEqualTo("invalid_subject");
        assertThat(blank.body().get("error").get("message").asText()).contains("subject");
        ApiReply segment = world.api.call("POST", world.base(), world.owner.token(), Map.of("subject", "S", "body", "B", "segment", "vips"));
        assertThat(segment.status()).isEqualTo(400);
        assertThat(segment.body().toString()).contains("segment");
        ApiReply type = world.api.call("POST", world.base(), world.owner.token(), "{\"subject\": \"S\", \"body\": \"B\", \"segment\": [\"all\"]}");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.body().toString()).contains("segment");
        ApiReply unknown = world.api.call("POST", world.base(), world.owner.token(), Map.of("subject", "S", "body", "B", "audience", "all"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(world.count()).isEqualTo(before);

        UUID id = world.draft("Later", "Text.", "all");
        ApiReply past = world.api.call("POST", world.base() + "/" + id + "/send", world.owner.token(), Map.of("at", "2020-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.code()).isEqualTo("invalid_at");
        ApiReply notAnInstant = world.api.call("POST", world.base() + "/" + id + "/send", world.owner.token(), "{\"at\": \"tomorrow\"}");
        assertThat(notAnInstant.status()).isEqualTo(400);
        assertThat(notAnInstant.body().toString()).contains("at");
        ApiReply wrongType = world.api.call("POST", world.base() + "/" + id + "/send", world.owner.token(), "{\"at\": true}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(world.api.get(world.base() + "/" + id, world.owner.token()).body().get("status").asText()).isEqualTo("draft");
        assertThat(world.outboxRows(id)).isZero();
    }

    @Test
    void planLimitsAreClearErrorsAndChangeNothing() {
        User founder = world.api.user("Fay Founder");
        UUID club = world.api.community(founder, "Small Club " + UUID.randomUUID().toString().substring(0, 6), "public", "open");
        String path = "/api/communities/" + club + "/newsletters";
        for (int i = 0; i < 3; i++) {
            User member = world.api.user("Member " + (char) ('A' + i));
            assertThat(world.api.call("POST", "/api/communities/" + club + "/join", member.token(), null).status()).isEqualTo(201);
        }
        UUID tooMany = UUID.fromString(world.api.call("POST", path, founder.token(), Map.of("subject", "All", "body", "B"))
                .body().get("id").asText());
        ApiReply audience = world.api.call("POST", path + "/" + tooMany + "/send", founder.token(), Map.of());
        assertThat(audience.status()).isEqualTo(402);
        assertThat(audience.code()).isEqualTo("plan_limit_reached");
        assertThat(audience.body().get("error").get("message").asText()).contains("at most 3 recipients").contains("has 4");
        assertThat(world.api.get(path + "/" + tooMany, founder.token()).body().get("status").asText()).isEqualTo("draft");
        for (int i = 0; i < 6; i++) {
            UUID id = UUID.fromString(world.api.call("POST", path, founder.token(), Map.of("subject", "Admins " + i, "body", "B",
                    "segment", "admins")).body().get("id").asText());
            ApiReply sent = world.api.call("POST", path + "/" + id + "/send", founder.token(), Map.of());
            if (sent.status() != 202) {
                throw new AssertionError("send " + i + ": " + sent.body());
            }
        }
        UUID seventh = UUID.fromString(world.api.call("POST", path, founder.token(), Map.of("subject", "One more", "body", "B",
                "segment", "admins")).body().get("id").asText());
        ApiReply limit = world.api.call("POST", path + "/" + seventh + "/send", founder.token(), Map.of());
        assertThat(limit.status()).isEqualTo(402);
        assertThat(limit.code()).isEqualTo("plan_limit_reached");
        assertThat(limit.body().get("error").get("message").asText()).contains("6 newsletters per month");
        assertThat(world.api.get(path + "/" + seventh, founder.token()).body().get("status").asText()).isEqualTo("draft");
    }
}
