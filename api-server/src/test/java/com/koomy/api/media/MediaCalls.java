package com.koomy.api.media;

import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Raw-body uploads and blob downloads against a test API (java.net.http, so nothing is buffered by a client library). */
final class MediaCalls {

    private final IntSupplier port;

    MediaCalls(IntSupplier port) {
        this.port = port;
    }

    ApiReply upload(String method, String path, String token, String contentType, byte[] body) {
        return send(request(path, token, contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A body of {@code length} bytes produced as it is sent; {@code declareLength} false sends it chunked. */
    ApiReply uploadStream(String path, String token, String contentType, long length, boolean declareLength,
                                boolean expectContinue) {
        Supplier<InputStream> source = () -> new InputStream() {
            long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 0x42 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0x42);
                left -= n;
                return n;
            }
        };
        HttpRequest.BodyPublisher publisher = declareLength
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(source), length)
                : HttpRequest.BodyPublishers.ofInputStream(source);
        return send(request(path, token, contentType).expectContinue(expectContinue).PUT(publisher));
    }

    /**
     * Headers only, with {@code Expect: 100-continue} and a Content-Length, over a plain socket (the JDK 17
     * client waits forever when the answer to an Expect is a final status): returns the first status line
     * the server sends, before any of the body went out.
     */
    String expectContinue(String path, String token, String contentType, long length) {
        try (java.net.Socket socket = new java.net.Socket("localhost", port.getAsInt())) {
            socket.setSoTimeout(10_000);
            String head = "PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length
                    + "\r\nExpect: 100-continue\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<byte[]> head(String url) {
        return ApiHttp.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + URI.create(url).getPath()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> fetch(String urlOrPath, String ifNoneMatch) {
        String path = urlOrPath.startsWith("http") ? URI.create(urlOrPath).getPath() : urlOrPath;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + path)).GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return ApiHttp.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(String path, String token, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port.getAsInt() + path))
                .timeout(Duration.ofSeconds(60));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static ApiReply send(HttpRequest.Builder request) {
        return ApiHttp.reply(ApiHttp.send(request), false);
    }

    /** Regular files under a directory (storage or temporary files left behind). */
    static long files(Path directory) {
        if (!Files.exists(directory)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            return all.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new directory for a test app's media store (or its temporary files). */
    static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
