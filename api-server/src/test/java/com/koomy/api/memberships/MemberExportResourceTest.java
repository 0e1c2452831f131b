package com.koomy.api.memberships;

import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.memberships.Membership;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.koomy.api.memberships.ResourceMemberships.memberWith;
import static com.koomy.api.memberships.ResourceMemberships.withFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link MemberExportResource} alone, as {@link MembershipsRoutes} registers it: the member list as a CSV file. */
class MemberExportResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(MemberExportResource.class, ResourceMemberships::register)
            .checkingDeclaredCodes();

    private static final String JOINED = "2026-01-02T03:04:05Z";
    private static final String HEADER = row("name", "email", "role", "status", "dues_paid_until", "joined_at");

    private static String export(ResourceCommunity club) {
        return "/api/communities/" + club.id() + "/members/export.csv";
    }

    /** A line of the file: each cell as given (escaped already), quoted. */
    private static String row(String... cells) {
        return Arrays.stream(cells).map(c -> "\"" + c + "\"").collect(Collectors.joining(","));
    }

    /** The lines of a 200 CSV answer, each ended by CRLF. */
    private static List<String> lines(ApiReply csv) {
        assertThat(csv.status()).as(csv.body().toString()).isEqualTo(200);
        String text = csv.body().get("text").asText();
        assertThat(text).endsWith("\r\n");
        return List.of(text.substring(0, text.length() - 2).split("\r\n", -1));
    }

    @Test
    void theExportIsACsvOfEveryMemberByNameWithTheirValuesQuotedAndNoFormulas() {
        ResourceCommunity club = withFields(api, "Export club");
        ApiCalls.User jo = memberWith(api, club, "Doe, \"Jo\"", Map.of("licence", "=1+1", "level", "Club"));
        ApiCalls.User pat = club.member("Pat Pending", Membership.MEMBER, Membership.PENDING);
        ApiCalls.User admin = club.admin("Admin Export");
        api.jdbi().useHandle(h -> {
            h.execute("UPDATE memberships SET joined_at = CAST(? AS timestamptz) WHERE community_id = ?", JOINED, club.id());
            h.execute("UPDATE memberships SET dues_paid_until = '2026-12-31' WHERE account_id = ?", jo.id());
        });

        ApiReply csv = api.as(admin).download(export(club));

        assertThat(csv.header("Content-Type")).hasValueSatisfying(type -> assertThat(type.replace(" ", ""))
                .isEqualToIgnoringCase("text/csv;charset=UTF-8"));
        assertThat(csv.header("Content-Disposition")).hasValue("attachment; filename=\"members-" + club.id() + ".csv\"");
        assertThat(csv.header("Cache-Control")).hasValue("no-store");
        assertThat(lines(csv)).containsExactly(
                HEADER + ",\"Licence\",\"Level\"",
                row("Admin Export", admin.email(), "admin", "active", "", JOINED, "", ""),
                row("Doe, \"\"Jo\"\"", jo.email(), "member", "active", "2026-12-31", JOINED, "'=1+1", "Club"),
                row("Export club Owner", club.owner().email(), "owner", "active", "", JOINED, "", ""),
                row("Pat Pending", pat.email(), "member", "pending", "", JOINED, "", ""));
    }

    @Test
    void onlyTheCommunitysManagersExportAndAFileWithoutFieldsHasTheSixColumns() {
        ResourceCommunity club = ResourceCommunity.create(api, "Private export club", "private", "open");
        ResourceCommunity other = ResourceCommunity.create(api, "Other export club");
        ApiCalls.User member = club.member("Curious member");

        api.anonymous().download(export(club)).assertError(401, "unauthorized");
        api.as(member).download(export(club)).assertError(403, "forbidden");
        api.as(club.member("Queued member", Membership.MEMBER, Membership.PENDING)).download(export(club))
                .assertError(404, "community_not_found");
        api.as(api.account("Export stranger")).download(export(club)).assertError(404, "community_not_found");
        api.as(other.owner()).download(export(club)).assertError(404, "community_not_found");
        api.as(club.owner()).download("/api/communities/" + UUID.randomUUID() + "/members/export.csv")
                .assertError(404, "community_not_found");

        List<String> lines = lines(api.as(club.owner()).download(export(club)));
        assertThat(lines).hasSize(4).first().isEqualTo(HEADER);
        assertThat(lines.get(1)).startsWith(row("Curious member", member.email(), "member", "active", ""));
    }
}
