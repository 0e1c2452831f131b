package com.koomy.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.api.security.StrictInput.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refusal of bad input says: the field and the type it should have (the issue's examples), wrong types
 * and broken constraints in one answer, the domain's own refusals naming the field they concern in
 * {@code error.details.fields}, and at most 100 characters of the input echoed. The sweep over every documented
 * body: {@link StrictInputTest}.
 */
class NamedFieldErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @RegisterExtension
    static StrictInput input = new StrictInput();

    @Test
    void theIssuesExamplesNameTheFieldAndTheTypeItShouldHave() throws Exception {
        Operation createCommunity = input.operation("POST", "/api/communities");
        Answer name = input.send(createCommunity, input.body(createCommunity, "name", NODES.arrayNode().add(1).add(2)));
        assertThat(name.status()).isEqualTo(400);
        assertThat(name.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(name.error().path("message").asText()).isEqualTo("name must be text");

        Operation createEvent = input.operation("POST", "/api/communities/{communityId}/events");
        ObjectNode event = input.body(createEvent, "capacity", NODES.textNode("ten"));
        event.put("startsAt", "tomorrow");
        event.put("title", 123);
        Answer three = input.send(createEvent, event);
        assertThat(three.status()).isEqualTo(400);
        assertThat(three.fields()).containsExactly("capacity", "startsAt", "title");
        assertThat(three.error().path("message").asText()).contains("capacity must be a whole number",
                "startsAt must be a date and time such as", "title must be text");

        ObjectNode backwards = input.body(createEvent, "endsAt", NODES.textNode("2030-01-01T10:00:00Z"));
        backwards.put("startsAt", "2030-01-01T12:00:00Z");
        Answer order = input.send(createEvent, backwards);
        assertThat(order.status()).isEqualTo(400);
        assertThat(order.fields()).containsExactly("endsAt");
        assertThat(order.error().path("message").asText()).isEqualTo("endsAt must be after startsAt");

        Operation register = input.operation("POST", "/api/auth/register");
        ObjectNode numbers = input.body(register, "password", NODES.numberNode(12345678901L));
        numbers.put("platformOperator", true);
        Answer signUp = input.send(register, numbers);
        assertThat(signUp.status()).isEqualTo(400);
        assertThat(signUp.fields()).contains("password", "platformOperator");
        ObjectNode blank = JSON.createObjectNode().put("email", "").put("password", "short").put("name", " ").put("locale", "de");
        assertThat(input.send(register, blank).fields()).as("every invalid field at once")
                .containsExactlyInAnyOrder("email", "password", "name", "locale");
    }

    @Test
    void wrongTypesAndBrokenConstraintsAreNamedInTheSameAnswer() throws Exception {
        Operation createEvent = input.operation("POST", "/api/communities/{communityId}/events");
        ObjectNode event = input.body(createEvent, "title", NODES.arrayNode().add(1).add(2));
        event.put("capacity", -3);
        event.put("ticketsPerAccount", 11);
        event.put("startsAt", "tomorrow");
        event.remove("timeZone");
        Answer all = input.send(createEvent, event);
        assertThat(all.status()).isEqualTo(400);
        assertThat(all.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(all.fields()).as("types and constraints in one answer")
                .containsExactly("capacity", "startsAt", "ticketsPerAccount", "timeZone", "title");
        assertThat(all.error().path("message").asText()).contains("title must be text", "startsAt must be a date and time",
                "capacity must be greater than or equal to 1", "timeZone must not be");

        Operation invite = input.operation("POST", "/api/communities/{communityId}/invitations");
        Answer both = input.send(invite, JSON.createObjectNode().put("email", "x").put("role", 5));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.fields()).containsExactly("email", "role");
        assertThat(both.error().path("details").path("fields").get(1).path("message").asText()).isEqualTo("must be text");
    }

    @Test
    void domainRefusalsNameTheFieldTheyConcern() throws Exception {
        String club = input.world.path(input.operation("POST", "/api/communities/{communityId}/events")).replace("/events", "");
        Instant tomorrow = Instant.now().plus(1, ChronoUnit.DAYS);
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("when invalid_when", input.send("GET", club + "/events?when=soon", null));
        answers.put("cursor invalid_cursor", input.send("GET", club + "/members?cursor=bm90LWEtY3Vyc29y", null));
        answers.put("method invalid_method", input.send("GET", club + "/payments?method=bitcoin", null));
        answers.put("year invalid_year", input.send("GET", club + "/payments/summary?year=1066", null));
        answers.put("to invalid_period", input.send("GET", club + "/payments?from=2026-02-01&to=2026-01-01", null));
        answers.put("periodStart invalid_period", input.send("POST", club + "/dues/tiers", JSON.createObjectNode().put("name", "Spring")
                .put("amount", 1000).put("currency", "eur").put("period", "custom")));
        answers.put("periodEnd invalid_period", input.send("POST", club + "/dues/tiers", JSON.createObjectNode().put("name", "Spring")
                .put("amount", 1000).put("currency", "eur").put("period", "custom").put("periodStart", "2027-06-01")
                .put("periodEnd", "2027-05-01")));
        answers.put("paidOn invalid_paid_on", input.send("POST", club + "/payments/manual", JSON.createObjectNode()
                .put("accountId", input.world.member.id().toString()).put("tierId", UUID.randomUUID().toString()).put("method", "cash")
                .put("paidOn", tomorrow.plus(2, ChronoUnit.DAYS).toString().substring(0, 10)).put("clientReference", "future-1")));
        answers.put("toUserId invalid_target", input.send("POST", club + "/transfer", JSON.createObjectNode()
                .put("toUserId", input.world.owner.id().toString())));
        answers.put("token invalid_token (invitation)", input.send("POST", "/api/invitations/accept", JSON.createObjectNode().put("token", "t".repeat(150))));
        answers.put("status invalid_status", input.send("GET", club + "/members?status=gone", null));
        // required unless newsPostId is given (x-koomy-required-unless in the document)
        answers.put("subject invalid_subject", input.send("POST", club + "/newsletters", JSON.createObjectNode().put("body", "Hello")));
        answers.put("body invalid_body", input.send("POST", club + "/newsletters", JSON.createObjectNode().put("subject", "Hello")));
        answers.put("token invalid_token", input.send("POST", "/api/auth/password-reset/confirm", JSON.createObjectNode()
                .put("token", "t".repeat(150)).put("password", "a long enough password")));
        List<String> wrong = new ArrayList<>();
        answers.forEach((expected, answer) -> {
            String field = expected.split(" ")[0];
            String code = expected.split(" ")[1];
            int status = code.equals("invalid_target") ? 422 : 400;
            String message = answer.error().path("message").asText();
            if (answer.status() != status || !answer.error().path("code").asText().equals(code) || !answer.fields().equals(List.of(field))
                    || !message.startsWith(field + " ") || message.contains("t".repeat(101))) {
                wrong.add(expected + " -> " + answer.status() + " " + answer.error());
            }
        });
        assertThat(wrong).as("domain refusals that do not name their field in details.fields").isEmpty();
        assertThat(answers.get("periodEnd invalid_period").error().path("message").asText())
                .isEqualTo("periodEnd must be after periodStart for a custom period");
    }

    /** The email change's token is read like every other input: Bean Validation, the field named, nothing echoed. */
    @Test
    void aBadEmailConfirmationTokenIsAFieldErrorNamingToken() throws Exception {
        List<JsonNode> bad = List.of(NODES.textNode(""), NODES.textNode("   "), NODES.textNode("t".repeat(201)),
                NODES.numberNode(12345678901L), NODES.arrayNode().add("t"), NODES.nullNode());
        for (JsonNode token : bad) {
            Answer answer = input.send("POST", "/api/me/email/confirm", JSON.createObjectNode().set("token", token));
            assertThat(answer.status()).as("token " + token).isEqualTo(400);
            assertThat(answer.error().path("code").asText()).as("token " + token).isEqualTo("validation_failed");
            assertThat(answer.fields()).as("token " + token).containsExactly("token");
            assertThat(answer.error().path("message").asText()).as("token " + token).startsWith("token ")
                    .doesNotContain("t".repeat(101));
        }
        assertThat(input.send("POST", "/api/me/email/confirm", JSON.createObjectNode()).fields()).as("no token").containsExactly("token");
        Answer unknown = input.send("POST", "/api/me/email/confirm", JSON.createObjectNode().put("token", "t".repeat(43)));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error().path("code").asText()).as("a well-formed token nobody was sent").isEqualTo("invalid_token");
    }
}
