package com.koomy.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.config.SendGridFactory;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local HTTP server answering {@code POST /v3/mail/send} as SendGrid does: 202 with an empty body
 * and an {@code X-Message-Id} header; tests swap in 429s (with SendGrid's rate-limit headers), 5xx
 * and 400s with SendGrid's error body.
 */
public class SendGridStub implements AutoCloseable {

    public static final String PATH = "/v3/mail/send";
    private final WireMockServer server;

    public SendGridStub() {
        this(options().dynamicPort().containerThreads(64).jettyAcceptors(1));
    }

    /** On the server {@code options} describe (a fixed port, more threads: {@link StubsMain}). */
    public SendGridStub(WireMockConfiguration options) {
        server = new WireMockServer(options);
        server.start();
        accept();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public SendGridFactory config(int rateLimitPerSecond) {
        SendGridFactory config = new SendGridFactory();
        config.setApiKey("SG.test-key-not-a-secret");
        config.setBaseUrl(baseUrl());
        config.setRateLimitPerSecond(rateLimitPerSecond);
        config.setFromEmail("no-reply@koomy.test");
        return config;
    }

    public void accept() {
        accept(0);
    }

    /** 202 with a fresh X-Message-Id, each after {@code delayMillis} (SendGrid's own is about 100 ms). */
    public void accept(int delayMillis) {
        answer(aResponse().withStatus(202).withHeader("X-Message-Id", "sg-{{randomValue length=22 type='ALPHANUMERIC'}}")
                .withFixedDelay(delayMillis > 0 ? delayMillis : null).withTransformers("response-template"));
    }

    public void rateLimited(long resetEpochSecond) {
        answer(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-RateLimit-Limit", "600")
                .withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", Long.toString(resetEpochSecond))
                .withBody("{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}"));
    }

    /** 429 telling the client to wait until {@code seconds} after each answer (X-RateLimit-Reset, Unix seconds). */
    public void rateLimitedFor(int seconds) {
        answer(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-RateLimit-Limit", "600")
                .withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", "{{now offset='" + seconds + " seconds' format='unix'}}")
                .withTransformers("response-template")
                .withBody("{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}"));
    }

    public void serverError() {
        answer(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"field\":null,\"message\":\"service unavailable\"}]}"));
    }

    public void badRequest() {
        answer(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"message\":\"Does not contain a valid address.\",\"field\":\"personalizations.0.to.0.email\","
                        + "\"help\":\"http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to\"}]}"));
    }

    public void delayMillis(int millis) {
        answer(aResponse().withStatus(202).withHeader("X-Message-Id", "sg-delayed").withFixedDelay(millis));
    }

    private void answer(ResponseDefinitionBuilder response) {
        server.resetMappings();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    public List<LoggedRequest> requests() {
        return server.findAll(postRequestedFor(urlEqualTo(PATH)));
    }

    /** Every mail/send the stub received, with the answer it gave (status 0 while it is still delaying one). */
    public List<ServeEvent> answered() {
        return server.getAllServeEvents().stream().filter(e -> PATH.equals(e.getRequest().getUrl())).toList();
    }

    public void resetRequests() {
        server.resetRequests();
    }

    @Override
    public void close() {
        server.stop();
    }
}
