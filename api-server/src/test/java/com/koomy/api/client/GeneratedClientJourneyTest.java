package com.koomy.api.client;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.client.ApiClient;
import com.koomy.client.ApiException;
import com.koomy.client.api.AccountsApi;
import com.koomy.client.api.CheckInApi;
import com.koomy.client.api.CommunitiesApi;
import com.koomy.client.api.EventsApi;
import com.koomy.client.api.MembershipsApi;
import com.koomy.client.api.PaymentsApi;
import com.koomy.client.model.AuthLoginRequest;
import com.koomy.client.model.AuthMe;
import com.koomy.client.model.AuthRegisterRequest;
import com.koomy.client.model.AuthTokenRequest;
import com.koomy.client.model.CheckinsScanRequest;
import com.koomy.client.model.CommunitiesCommunityResponse;
import com.koomy.client.model.CommunitiesCreateCommunityRequest;
import com.koomy.client.model.DuesNewTierRequest;
import com.koomy.client.model.DuesTier;
import com.koomy.client.model.EventsCreateEventRequest;
import com.koomy.client.model.EventsEventResponse;
import com.koomy.client.model.InvitationsAcceptRequest;
import com.koomy.client.model.InvitationsInviteRequest;
import com.koomy.client.model.MembershipsMembershipResponse;
import com.koomy.client.model.RegistrationsRegistrationResponse;
import com.koomy.client.model.ScanResult;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A new integrator's journey, driven only through the Java client that openapi-generator makes from the
 * document (library native; see api-server/pom.xml): no hand-written HTTP call. The only thing read outside
 * the API is what a person would read in their mailbox (the verification and invitation links). Every error
 * is read through the generated {@code Error} model.
 */
class GeneratedClientJourneyTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, Journeys.cardKeys());

    private final Journeys journeys = new Journeys(app::getLocalPort, db.jdbi());

    /** A client whose every exchange is checked against the document ({@link ContractCheckingHttpClient}). */
    private ApiClient client(String token) {
        return journeys.client(token);
    }

    /** The error answer of a failed call, read through the generated model. */
    private com.koomy.client.model.Error error(ApiException e) throws Exception {
        return client(null).getObjectMapper().readValue(e.getResponseBody(), com.koomy.client.model.Error.class);
    }

    private String signUpAndIn(String name, String email) throws Exception {
        AccountsApi accounts = new AccountsApi(client(null));
        AuthMe me = accounts.registerAccount(new AuthRegisterRequest().email(email).password("correct horse battery")
                .name(name).locale(AuthRegisterRequest.LocaleEnum.EN));
        assertThat(me.getEmail()).isEqualTo(email);
        return accounts.login(new AuthLoginRequest().email(email).password("correct horse battery")).getToken();
    }

    private String mailedToken(String template, String urlVariable, String email) {
        String url = db.jdbi().withHandle(h -> h.createQuery("SELECT variables ->> '" + urlVariable + "' FROM emails "
                        + "WHERE template = :template AND recipients -> 0 ->> 'email' = :email ORDER BY created_at DESC LIMIT 1")
                .bind("template", template).bind("email", email).mapTo(String.class).one());
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    @Test
    void aNewIntegratorDoesTheWholeJourneyWithTheGeneratedClientAlone() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ownerEmail = "olga-" + suffix + "@example.org";
        String memberEmail = "marc-" + suffix + "@example.org";

        // sign-up and sign-in; a second sign-up with the same address is a 409 read through Error
        String ownerToken = signUpAndIn("Olga Owner", ownerEmail);
        ApiException taken = catchThrowableOfType(ApiException.class, () -> new AccountsApi(client(null)).registerAccount(
                new AuthRegisterRequest().email(ownerEmail).password("correct horse battery").name("Olga").locale(AuthRegisterRequest.LocaleEnum.EN)));
        assertThat(taken.getCode()).isEqualTo(409);
        assertThat(error(taken).getError().getCode()).isEqualTo("email_taken");

        // a community
        CommunitiesCommunityResponse club = new CommunitiesApi(client(ownerToken)).createCommunity(
                new CommunitiesCreateCommunityRequest().name("Rowing " + suffix).visibility(CommunitiesCreateCommunityRequest.VisibilityEnum.PRIVATE).joinPolicy(CommunitiesCreateCommunityRequest.JoinPolicyEnum.APPROVAL));
        assertThat(club.getId()).isNotNull();

        // invite, then the invitee verifies their address and joins with the link
        String memberToken = signUpAndIn("Marc Member", memberEmail);
        new MembershipsApi(client(ownerToken)).inviteMember(club.getId(), new InvitationsInviteRequest().email(memberEmail));
        new AccountsApi(client(null)).verifyEmail(new AuthTokenRequest().token(mailedToken("email_verification", "verifyUrl", memberEmail)));
        MembershipsMembershipResponse joined = new MembershipsApi(client(memberToken))
                .acceptInvitation(new InvitationsAcceptRequest().token(mailedToken("invitation", "acceptUrl", memberEmail)));
        assertThat(joined.getStatus()).isEqualTo("active");

        // a dues tier; a plain member may not add one (403, read through Error)
        DuesTier tier = new PaymentsApi(client(ownerToken)).createDuesTier(club.getId(),
                new DuesNewTierRequest().name("Yearly").amount(3000L).currency("eur").period(DuesNewTierRequest.PeriodEnum.YEARLY));
        assertThat(tier.getAmount()).isEqualTo(3000L);
        ApiException notAdmin = catchThrowableOfType(ApiException.class, () -> new PaymentsApi(client(memberToken))
                .createDuesTier(club.getId(), new DuesNewTierRequest().name("Cheap").amount(100L).currency("eur").period(DuesNewTierRequest.PeriodEnum.YEARLY)));
        assertThat(notAdmin.getCode()).isEqualTo(403);
        assertThat(error(notAdmin).getError().getStatus()).isEqualTo(403);

        // an event, a registration with its QR, the door
        OffsetDateTime startsAt = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1);
        EventsEventResponse event = new EventsApi(client(ownerToken)).createEvent(club.getId(), new EventsCreateEventRequest()
                .title("Regatta").place("Lake").startsAt(startsAt).endsAt(startsAt.plusHours(3)).timeZone("Europe/Paris").capacity(10));
        RegistrationsRegistrationResponse ticket = new EventsApi(client(memberToken)).registerForEvent(event.getId(), true,
                new com.koomy.client.model.RegistrationsRegisterRequest());
        assertThat(ticket.getStatus()).isEqualTo("confirmed");
        assertThat(ticket.getQr()).isNotBlank();
        CheckInApi door = new CheckInApi(client(ownerToken));
        ScanResult admitted = door.scanTicket(event.getId(), new CheckinsScanRequest().qr(ticket.getQr()).scanId("scan-1").gate("north"));
        assertThat(admitted.getResult()).isEqualTo("admitted");
        ScanResult again = door.scanTicket(event.getId(), new CheckinsScanRequest().qr(ticket.getQr()).scanId("scan-2").gate("south"));
        assertThat(again.getResult()).isEqualTo("already_admitted");

        // revoke the session: the token no longer works (401, read through Error)
        new AccountsApi(client(memberToken)).logout();
        ApiException revoked = catchThrowableOfType(ApiException.class, () -> new AccountsApi(client(memberToken)).getMe());
        assertThat(revoked.getCode()).isEqualTo(401);
        assertThat(error(revoked).getError().getCode()).isNotBlank();
    }
}
