package com.koomy.api.news;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The news routes' paths and the calls the news tests repeat: joining, promoting, writing and publishing a post. */
final class NewsCalls {

    private final ApiCalls api;

    NewsCalls(ApiCalls api) {
        this.api = api;
    }

    static String news(UUID community) {
        return "/api/communities/" + community + "/news";
    }

    static String post(UUID community, UUID post) {
        return news(community) + "/" + post;
    }

    static List<String> titles(ApiReply page) {
        List<String> titles = new ArrayList<>();
        page.body().get("items").forEach(item -> titles.add(item.get("title").asText()));
        return titles;
    }

    void join(UUID community, User user) {
        assertThat(api.call("POST", "/api/communities/" + community + "/join", user.token(), null).status()).isEqualTo(201);
    }

    void makeAdmin(UUID community, User owner, User user) {
        join(community, user);
        assertThat(api.call("PATCH", "/api/communities/" + community + "/members/" + user.id(), owner.token(),
                Map.of("role", "admin")).status()).isEqualTo(200);
    }

    UUID create(UUID community, User author, String title) {
        ApiReply created = api.call("POST", news(community), author.token(), Map.of("title", title, "body", "Body of " + title));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asText());
    }

    ApiReply publish(UUID community, User caller, UUID post) {
        return api.call("POST", post(community, post) + "/publish", caller.token(), null);
    }
}
