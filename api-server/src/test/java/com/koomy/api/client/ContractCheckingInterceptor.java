package com.koomy.api.client;

import com.koomy.api.ContractCheck;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The okhttp-gson client's exchanges checked against the document, as {@link ContractCheckingHttpClient} does for
 * the native client's: the request the generated code built and the answer it got ({@link ContractCheck}), before
 * the generated code reads it. That client exists for the image uploads only (the native library sends a
 * {@code File} body as JSON, OpenAPITools/openapi-generator#17801).
 */
final class ContractCheckingInterceptor implements Interceptor {

    private final IntSupplier port;

    ContractCheckingInterceptor(IntSupplier port) {
        this.port = port;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().names().forEach(name -> headers.put(name, request.header(name)));
        String body = null;
        if (request.body() != null && request.body().contentLength() != 0) {
            String contentType = request.body().contentType() == null ? "" : request.body().contentType().toString();
            headers.putIfAbsent("Content-Type", contentType);
            // binary bodies are not compared with their schema (the validator reads text): a stand-in says one was sent
            if (contentType.contains("json")) {
                Buffer sent = new Buffer();
                request.body().writeTo(sent);
                body = sent.readUtf8();
            } else {
                body = "(binary)";
            }
        }
        Response response = chain.proceed(request);
        byte[] answer = response.body() == null ? new byte[0] : response.body().bytes();
        String pathAndQuery = request.url().encodedPath()
                + (request.url().encodedQuery() == null ? "" : "?" + request.url().encodedQuery());
        ContractCheck.check(port.getAsInt(), request.method(), pathAndQuery, headers, body,
                new Answer(response, new String(answer, StandardCharsets.UTF_8)));
        return response.newBuilder()
                .body(ResponseBody.create(answer, response.body() == null ? null : response.body().contentType()))
                .build();
    }

    /** The okhttp answer as the JDK's {@link HttpResponse}, the form {@link ContractCheck} reads. */
    private record Answer(Response raw, String body) implements HttpResponse<String> {
        public int statusCode() {
            return raw.code();
        }

        public HttpHeaders headers() {
            return HttpHeaders.of(raw.headers().toMultimap(), (name, value) -> true);
        }

        public HttpRequest request() {
            return HttpRequest.newBuilder(uri()).build();
        }

        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return Optional.empty();
        }

        public URI uri() {
            return raw.request().url().uri();
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
