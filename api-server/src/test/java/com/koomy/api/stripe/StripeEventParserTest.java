package com.koomy.api.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.errors.ApiException;
import com.koomy.stripe.events.IncomingStripeEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fields we index are read from the top level only, while the rest is streamed over. */
class StripeEventParserTest {

    private final StripeEventParser parser = new StripeEventParser(new ObjectMapper());

    @Test
    void readsTheTopLevelFieldsNotTheSameNamesInsideData() {
        String payload = """
                {"data": {"object": {"id": "pi_1", "object": "payment_intent", "type": "nested", "created": 1,
                          "livemode": true, "account": "acct_nested", "list": [1, {"id": "x"}]}},
                 "id": "evt_top", "object": "event", "type": "payment_intent.succeeded", "created": 1700000000,
                 "livemode": false, "account": "acct_top", "api_version": "2024-06-20", "request": {"id": null}}
                """;

        IncomingStripeEvent event = parser.parse(payload);

        assertThat(event.eventId()).isEqualTo("evt_top");
        assertThat(event.type()).isEqualTo("payment_intent.succeeded");
        assertThat(event.livemode()).isFalse();
        assertThat(event.account()).isEqualTo("acct_top");
        assertThat(event.apiVersion()).isEqualTo("2024-06-20");
        assertThat(event.created()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(event.payload()).isSameAs(payload);
    }

    @Test
    void nullAccountAndAbsentObjectAreAccepted() {
        IncomingStripeEvent event = parser.parse(
                "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"created\":1,\"livemode\":true,\"account\":null}");
        assertThat(event.account()).isNull();
        assertThat(event.apiVersion()).isNull();
    }

    @Test
    void theLastOfDuplicateKeysWins() {
        IncomingStripeEvent event = parser.parse(
                "{\"id\":\"evt_first\",\"type\":\"a\",\"created\":1,\"livemode\":false,\"id\":\"evt_last\"}");
        assertThat(event.eventId()).isEqualTo("evt_last");
    }

    @Test
    void refusesWhatIsNotOneWellFormedEventObject() {
        for (String bad : new String[]{
                "", "[]", "\"evt\"", "{\"id\":\"evt_1\"", "{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1,\"livemode\":false} {}",
                "{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1,\"livemode\":false,\"data\":{\"x\":[1,2}}",
                "{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1,\"livemode\":false} trailing",
                "{\"id\":\"evt_1\",\"object\":\"charge\",\"type\":\"a\",\"created\":1,\"livemode\":false}",
                "{\"id\":\"ch_1\",\"type\":\"a\",\"created\":1,\"livemode\":false}",
                "{\"id\":\"evt_1\",\"type\":\"a\",\"created\":\"soon\",\"livemode\":false}",
                "{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1,\"livemode\":\"no\"}"}) {
            assertThatThrownBy(() -> parser.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
