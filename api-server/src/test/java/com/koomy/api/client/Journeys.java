package com.koomy.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.client.ApiClient;
import com.koomy.client.ApiException;
import com.koomy.client.api.AccountsApi;
import com.koomy.client.api.CommunitiesApi;
import com.koomy.client.api.MembershipsApi;
import com.koomy.client.model.AuthLoginRequest;
import com.koomy.client.model.AuthMe;
import com.koomy.client.model.MembershipsJoinRequest;
import com.koomy.client.model.AuthRegisterRequest;
import com.koomy.client.model.AuthTokenRequest;
import com.koomy.client.model.CommunitiesCreateCommunityRequest;
import com.koomy.client.model.ErrorDetail;
import io.dropwizard.testing.ConfigOverride;
import org.assertj.core.api.ThrowableAssert;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every journey of the generated client shares: clients whose exchanges are checked against the document
 * ({@link ContractCheckingHttpClient}), refusals read through the generated {@code Error} model and held to what
 * the document declares, and the accounts and communities a journey starts from, made through the client too.
 * No call is written by hand: image uploads go through a second client generated from the same document
 * ({@link #uploads}). The only thing read outside the API is what a person reads in their mailbox (links with tokens).
 */
final class Journeys {

    private static final JsonNode DOCUMENT = document();

    private final IntSupplier port;
    private final Jdbi jdbi;

    Journeys(IntSupplier port, Jdbi jdbi) {
        this.port = port;
        this.jdbi = jdbi;
    }

    /** A signed-in account of a journey. */
    record Account(UUID id, String email, String name, String token) {
    }

    /** A client of the API, signed in with {@code token} (a session or the operator token) or anonymous (null). */
    ApiClient client(String token) {
        ApiClient client = new ApiClient();
        client.setHttpClientBuilder(ContractCheckingHttpClient.builder(port));
        client.updateBaseUri("http://localhost:" + port.getAsInt());
        if (token != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        }
        return client;
    }

    ApiClient client(Account account) {
        return client(account.token());
    }

    /**
     * Runs a call that must be refused, and checks the refusal against the document: {@code operationId} declares
     * {@code status} with the Error schema, and lists {@code code} for it ({@code x-koomy-codes}). Returns the error
     * read through the generated model.
     */
    ErrorDetail refused(String operationId, int status, String code, ThrowableAssert.ThrowingCallable call) {
        ApiException refusal = catchThrowableOfType(ApiException.class, call);
        assertThat(refusal).as(operationId + " must be refused with " + status + " " + code).isNotNull();
        ErrorDetail error = error(refusal);
        assertThat(refusal.getCode()).as(operationId + ": " + refusal.getResponseBody()).isEqualTo(status);
        assertThat(error.getStatus()).isEqualTo(status);
        assertThat(error.getCode()).as(operationId).isEqualTo(code);
        JsonNode operation = operation(operationId);
        assertThat(operation.path("responses").path(Integer.toString(status)).path("content").path("application/json")
                .path("schema").path("$ref").asText()).as(operationId + " declares " + status)
                .isEqualTo("#/components/schemas/Error");
        assertThat(operation.path("responses").path(Integer.toString(status)).path("x-koomy-codes"))
                .as(operationId + " lists the code " + code + " for " + status)
                .anySatisfy(c -> assertThat(c.asText()).isEqualTo(code));
        return error;
    }

    /** The error answer of a failed call, read through the generated model. */
    ErrorDetail error(ApiException e) {
        try {
            return client((String) null).getObjectMapper().readValue(e.getResponseBody(), com.koomy.client.model.Error.class)
                    .getError();
        } catch (IOException notJson) {
            throw new AssertionError("not an Error body: " + e.getCode() + " " + e.getResponseBody(), notJson);
        }
    }

    static JsonNode operation(String operationId) {
        for (JsonNode path : DOCUMENT.path("paths")) {
            for (JsonNode operation : path) {
                if (operationId.equals(operation.path("operationId").asText())) {
                    return operation;
                }
            }
        }
        throw new AssertionError("no operation " + operationId + " in the document");
    }

    /**
     * The media operations for {@code account} through the client generated from the same document with the
     * {@code okhttp-gson} library, for the image uploads (their bytes as the body): the {@code native} library
     * serialises a {@code File} body as JSON instead of sending its bytes (OpenAPITools/openapi-generator#17801).
     * Its exchanges are checked against the document too ({@link ContractCheckingInterceptor}).
     */
    com.koomy.client.okhttp.api.MediaApi uploads(Account account) {
        com.koomy.client.okhttp.ApiClient client = new com.koomy.client.okhttp.ApiClient(new okhttp3.OkHttpClient.Builder()
                .addInterceptor(new ContractCheckingInterceptor(port)).build());
        client.setBasePath("http://localhost:" + port.getAsInt());
        client.setBearerToken(account.token());
        return new com.koomy.client.okhttp.api.MediaApi(client);
    }

    /** Signs up (a unique address) and in, with the client alone. */
    Account signUp(String name) throws ApiException {
        String email = name.toLowerCase().replaceAll("[^a-z]+", ".") + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org";
        AccountsApi accounts = new AccountsApi(client((String) null));
        AuthMe me = accounts.registerAccount(new AuthRegisterRequest().email(email).password("correct horse battery")
                .name(name).locale(AuthRegisterRequest.LocaleEnum.EN));
        String token = accounts.login(new AuthLoginRequest().email(email).password("correct horse battery")).getToken();
        return new Account(me.getId(), email, name, token);
    }

    /** Verifies the account's address with the link of its verification email. */
    void verify(Account account) throws ApiException {
        new AccountsApi(client((String) null)).verifyEmail(new AuthTokenRequest()
                .token(mailedToken("email_verification", "verifyUrl", account.email())));
    }

    /** The token in the link of the last {@code template} email to {@code email} (its variable {@code urlVariable}). */
    String mailedToken(String template, String urlVariable, String email) {
        String url = jdbi.withHandle(h -> h.createQuery("SELECT variables ->> :variable FROM emails WHERE template = :template "
                        + "AND recipients -> 0 ->> 'email' = :email ORDER BY created_at DESC LIMIT 1")
                .bind("variable", urlVariable).bind("template", template).bind("email", email).mapTo(String.class).one());
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }

    /** A public, open community of {@code owner}. */
    UUID community(Account owner, String name) throws ApiException {
        return new CommunitiesApi(client(owner)).createCommunity(new CommunitiesCreateCommunityRequest().name(name)
                .visibility(CommunitiesCreateCommunityRequest.VisibilityEnum.PUBLIC)
                .joinPolicy(CommunitiesCreateCommunityRequest.JoinPolicyEnum.OPEN)).getId();
    }

    /** A new account that joined {@code community} (open). */
    Account member(UUID community, String name) throws ApiException {
        Account member = signUp(name);
        assertThat(new MembershipsApi(client(member)).joinCommunity(community, new MembershipsJoinRequest()).getStatus()).isEqualTo("active");
        return member;
    }

    /** A fresh {@code cardKeySecret} for an app whose journeys register for events (tickets are signed). */
    static ConfigOverride cardKeys() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return ConfigOverride.config("cardKeySecret", java.util.Base64.getEncoder().encodeToString(bytes));
    }

    /** Unique text for names and keys. */
    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonNode document() {
        try {
            return new ObjectMapper().readTree(Files.readString(Path.of("src/test/resources/openapi/koomy-api.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
