package com.koomy.api.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request whose body a filter answering before Jersey has already read (its first bytes), readable
 * again from the start when the filter steps aside: Jersey sees the body untouched. A body read whole is
 * replayed the same way (the rest is then empty).
 */
public class BodyReplay extends HttpServletRequestWrapper {

    private final byte[] body;

    public BodyReplay(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        InputStream rest = super.getInputStream();
        InputStream in = new java.io.SequenceInputStream(new ByteArrayInputStream(body), rest);
        return new ServletInputStream() {
            private boolean finished;

            @Override
            public int read() throws IOException {
                int b = in.read();
                finished = b < 0;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, length);
                finished = n < 0;
                return n;
            }

            @Override
            public boolean isFinished() {
                return finished;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("blocking reads only");
            }
        };
    }
}
