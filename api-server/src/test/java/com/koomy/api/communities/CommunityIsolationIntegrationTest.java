package com.koomy.api.communities;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Tenant isolation between communities, and the owner rules under concurrent requests. */
class CommunityIsolationIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    /** Every row of community B and its memberships, as text, to show that nothing changed. */
    private String snapshot(UUID community) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT (SELECT row_to_json(c)::text FROM communities c WHERE id = :id) || ' ' ||
                               coalesce((SELECT string_agg(row_to_json(m)::text, ',' ORDER BY account_id)
                                           FROM memberships m WHERE community_id = :id), '')
                        """).bind("id", community).mapTo(String.class).one());
    }

    @Test
    void anOwnerOfAGetsNothingOfB() {
        User ownerA = api.user("Owner A");
        User ownerB = api.user("Owner B");
        User memberB = api.user("Member B");
        UUID a = api.community(ownerA, "Community A", "public", "open");
        UUID b = api.community(ownerB, "Community B", "private", "open");
        db.jdbi().useHandle(h -> h.execute(
                "INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'member', 'active')",
                b, memberB.id()));
        String before = snapshot(b);

        String base = "/api/communities/" + b;
        List<ApiReply> replies = List.of(
                api.get(base, ownerA.token()),
                api.get(base + "/members", ownerA.token()),
                api.call("PATCH", base, ownerA.token(), Map.of("name", "Taken over", "visibility", "public")),
                api.call("PATCH", base + "/members/" + memberB.id(), ownerA.token(), Map.of("role", "owner")),
                api.call("PATCH", base + "/members/" + ownerB.id(), ownerA.token(), Map.of("role", "member")),
                api.call("PATCH", base + "/members/" + ownerA.id(), ownerA.token(), Map.of("role", "owner")),
                api.call("DELETE", base + "/members/" + memberB.id(), ownerA.token(), null),
                api.call("DELETE", base + "/members/" + ownerB.id(), ownerA.token(), null),
                api.call("POST", base + "/join", ownerA.token(), null));
        for (ApiReply reply : replies) {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.code()).isEqualTo("community_not_found");
        }
        // A's own id in the path with B's member as the target: that member is not in A.
        assertThat(api.call("PATCH", "/api/communities/" + a + "/members/" + memberB.id(), ownerA.token(),
                Map.of("role", "admin")).code()).isEqualTo("member_not_found");
        assertThat(api.call("DELETE", "/api/communities/" + a + "/members/" + memberB.id(), ownerA.token(), null)
                .code()).isEqualTo("member_not_found");
        // B's plain member cannot manage B either.
        assertThat(api.get(base + "/members", memberB.token()).status()).isEqualTo(403);
        assertThat(api.call("PATCH", base, memberB.token(), Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(api.call("PATCH", base + "/members/" + memberB.id(), memberB.token(), Map.of("role", "owner"))
                .status()).isEqualTo(403);

        assertThat(snapshot(b)).isEqualTo(before);
        assertThat(api.get("/api/me/communities", ownerA.token()).body().get("items")).hasSize(1);
    }

    @Test
    void twoOwnersLeavingAtOnceLeaveOneOwner() throws Exception {
        for (int round = 0; round < 8; round++) {
            User first = api.user("First Owner");
            User second = api.user("Second Owner");
            UUID id = api.community(first, "Race " + round, "public", "open");
            api.call("POST", "/api/communities/" + id + "/join", second.token(), null);
            assertThat(api.call("PATCH", "/api/communities/" + id + "/members/" + second.id(), first.token(),
                    Map.of("role", "owner")).status()).isEqualTo(200);

            // Even rounds: both owners leave; odd rounds: both step down to admin. Either way one must fail.
            boolean leave = round % 2 == 0;
            List<Integer> statuses = race(() -> stepDown(id, first, leave), () -> stepDown(id, second, leave));

            assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(leave ? 204 : 200, 409);
            long owners = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM memberships WHERE community_id = :c AND role = 'owner' AND status = 'active'")
                    .bind("c", id).mapTo(Long.class).one());
            assertThat(owners).as("round " + round).isEqualTo(1);
        }
    }

    private ApiReply stepDown(UUID community, User owner, boolean leave) {
        String path = "/api/communities/" + community + "/members/" + owner.id();
        return leave ? api.call("DELETE", path, owner.token(), null)
                : api.call("PATCH", path, owner.token(), Map.of("role", "admin"));
    }

    /** Runs both calls as close to together as two threads allow; their statuses. */
    private static List<Integer> race(Supplier<ApiReply> one, Supplier<ApiReply> other) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<ApiReply> a = CompletableFuture.supplyAsync(() -> await(go, one), pool);
            CompletableFuture<ApiReply> b = CompletableFuture.supplyAsync(() -> await(go, other), pool);
            go.countDown();
            return List.of(a.get().status(), b.get().status());
        } finally {
            pool.shutdownNow();
        }
    }

    private static ApiReply await(CountDownLatch go, Supplier<ApiReply> call) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return call.get();
    }
}
