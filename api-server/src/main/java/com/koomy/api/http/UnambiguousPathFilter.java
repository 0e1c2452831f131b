package com.koomy.api.http;

import com.koomy.api.fastpath.FastAnswer;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import com.koomy.errors.ApiError;

/**
 * The second line behind the access checks on resource methods: a request whose path can be read in more
 * than one way is refused with 400 before anything reads it. Jetty already refuses encoded separators and
 * dot segments and empty segments ({@code %2F}, {@code %2e}, {@code //}); this refuses what it lets
 * through: path parameters ({@code ;x=1}, also encoded as {@code %3B}), literal dot segments
 * ({@code /./}, {@code /../}), escaped letters, digits and {@code -._~}, an encoded {@code %} and backslashes. No route of the API uses any of them.
 * It never lets a request through that would otherwise be refused: access is decided on the matched
 * resource method ({@link com.koomy.api.auth.AccessFeature}).
 */
public class UnambiguousPathFilter implements Filter {

    /** An escaped unreserved character ({@code %6F} for {@code o}): the same path spelled another way. */
    private static final Pattern ESCAPED_UNRESERVED = Pattern.compile("%(?:[46][1-9a-fA-F]|[57][0-9aA]|3[0-9]|2[dDeE]|5[fF]|7[eE])");
    /** A dot segment, anywhere: {@code /./}, {@code /../}, or at the end. */
    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)");

    private final byte[] refusal;

    public UnambiguousPathFilter(ObjectMapper json) throws IOException {
        this.refusal = json.writeValueAsBytes(new ApiError(400, "ambiguous_path",
                "the path has a parameter (;), an encoded separator, dot, percent or letter, a dot segment or an empty segment; "
                        + "send the plain path"));
    }

    /** Whether {@code rawPath} (as sent, not decoded) can be read as more than one path. */
    public static boolean ambiguous(String rawPath) {
        if (rawPath.indexOf(';') >= 0 || rawPath.indexOf('\\') >= 0 || rawPath.contains("//")) {
            return true;
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        return lower.contains("%3b") || lower.contains("%2f") || lower.contains("%2e") || lower.contains("%25")
                || lower.contains("%5c") || lower.contains("%00") || DOT_SEGMENT.matcher(rawPath).find()
                || ESCAPED_UNRESERVED.matcher(rawPath).find();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!ambiguous(((HttpServletRequest) req).getRequestURI())) {
            chain.doFilter(req, res);
            return;
        }
        FastAnswer.writeJson((HttpServletResponse) res, HttpServletResponse.SC_BAD_REQUEST, refusal);
    }
}
