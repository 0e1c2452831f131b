package com.koomy.api.client;

import com.koomy.api.ContractCheck;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.IntSupplier;

/**
 * The generated client's HTTP client with every exchange checked against the document ({@link ContractCheck},
 * as {@code ApiCalls} does for the hand-written calls): the request the generated code built and the answer it
 * got, before the generated code reads it. A mismatch fails the test that made the call. Only {@code send} is
 * used by the generated client (library native, synchronous calls).
 */
final class ContractCheckingHttpClient extends HttpClient {

    private final HttpClient delegate;
    private final IntSupplier port;

    private ContractCheckingHttpClient(HttpClient delegate, IntSupplier port) {
        this.delegate = delegate;
        this.port = port;
    }

    /** A builder for {@code ApiClient.setHttpClientBuilder}: the JDK's client, checked. */
    static HttpClient.Builder builder(IntSupplier port) {
        return new CheckingBuilder(HttpClient.newBuilder(), port);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        byte[] sent = request.bodyPublisher().map(ContractCheckingHttpClient::bytes).orElse(new byte[0]);
        HttpRequest again = HttpRequest.newBuilder(request, (name, value) -> true)
                .method(request.method(), sent.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(sent)).build();
        HttpResponse<byte[]> answer = delegate.send(again, HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        String contentType = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                .map(Map.Entry::getValue).findFirst().orElse("");
        // binary bodies are not compared with their schema (the validator reads text): a stand-in says one was sent
        String body = sent.length == 0 ? null : contentType.contains("json") ? new String(sent, StandardCharsets.UTF_8) : "(binary)";
        URI uri = request.uri();
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        ContractCheck.check(port.getAsInt(), request.method(), pathAndQuery, headers, body,
                new Answer<>(answer, new String(answer.body(), StandardCharsets.UTF_8)));
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
            public int statusCode() {
                return answer.statusCode();
            }

            public HttpHeaders headers() {
                return answer.headers();
            }

            public Version version() {
                return answer.version();
            }
        });
        subscriber.onSubscribe(new Flow.Subscription() {
            public void request(long n) {
            }

            public void cancel() {
            }
        });
        subscriber.onNext(List.of(ByteBuffer.wrap(answer.body())));
        subscriber.onComplete();
        try {
            return new Answer<>(answer, subscriber.getBody().toCompletableFuture().get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** The bytes a request's body publisher gives (the generated client's are in memory or a file). */
    private static byte[] bytes(HttpRequest.BodyPublisher publisher) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.writeBytes(chunk);
            }

            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        return done.join();
    }

    /** The answer received, with the body in the form the caller asked for. */
    private record Answer<T>(HttpResponse<byte[]> raw, T body) implements HttpResponse<T> {
        public int statusCode() {
            return raw.statusCode();
        }

        public HttpRequest request() {
            return raw.request();
        }

        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        public HttpHeaders headers() {
            return raw.headers();
        }

        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return raw.sslSession();
        }

        public URI uri() {
            return raw.uri();
        }

        public Version version() {
            return raw.version();
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        throw new UnsupportedOperationException("the journeys call synchronously, so that each call is checked");
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        throw new UnsupportedOperationException("the journeys call synchronously, so that each call is checked");
    }

    public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }

    public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }

    public Redirect followRedirects() { return delegate.followRedirects(); }

    public Optional<ProxySelector> proxy() { return delegate.proxy(); }

    public SSLContext sslContext() { return delegate.sslContext(); }

    public SSLParameters sslParameters() { return delegate.sslParameters(); }

    public Optional<Authenticator> authenticator() { return delegate.authenticator(); }

    public Version version() { return delegate.version(); }

    public Optional<Executor> executor() { return delegate.executor(); }

    /** The JDK's builder, whose client is wrapped. */
    private record CheckingBuilder(HttpClient.Builder jdk, IntSupplier port) implements HttpClient.Builder {
        public Builder cookieHandler(CookieHandler handler) {
            jdk.cookieHandler(handler);
            return this;
        }

        public Builder connectTimeout(Duration duration) {
            jdk.connectTimeout(duration);
            return this;
        }

        public Builder sslContext(SSLContext context) {
            jdk.sslContext(context);
            return this;
        }

        public Builder sslParameters(SSLParameters parameters) {
            jdk.sslParameters(parameters);
            return this;
        }

        public Builder executor(Executor executor) {
            jdk.executor(executor);
            return this;
        }

        public Builder followRedirects(Redirect policy) {
            jdk.followRedirects(policy);
            return this;
        }

        public Builder version(Version version) {
            jdk.version(version);
            return this;
        }

        public Builder priority(int priority) {
            jdk.priority(priority);
            return this;
        }

        public Builder proxy(ProxySelector selector) {
            jdk.proxy(selector);
            return this;
        }

        public Builder authenticator(Authenticator authenticator) {
            jdk.authenticator(authenticator);
            return this;
        }

        public HttpClient build() {
            return new ContractCheckingHttpClient(jdk.build(), port);
        }
    }
}
