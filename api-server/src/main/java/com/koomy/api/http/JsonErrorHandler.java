package com.koomy.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.errors.ApiError;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Errors that Jetty answers itself (a URI it refuses, a malformed request, a servlet error before Jersey)
 * in the API's one error shape, {@code {"error": {status, code, message}}} as {@code application/json},
 * instead of Jetty's HTML page. Set on the server and on the application context.
 */
public class JsonErrorHandler extends ErrorHandler {

    private final ObjectMapper json;

    public JsonErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int code = response.getStatus() >= 400 ? response.getStatus() : 500;
        Object message = request.getAttribute(ERROR_MESSAGE);
        String text = message == null || message.toString().isBlank()
                ? ErrorResponses.codeFor(code).replace('_', ' ') : message.toString();
        byte[] body = json.writeValueAsBytes(new ApiError(code, ErrorResponses.codeFor(code), text));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
