package com.koomy.newsletters;

import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.text.TextContentRenderer;

/**
 * A newsletter's Markdown body as the HTML and plain-text parts members get, with commonmark-java. Raw
 * HTML written in the body is escaped (shown as text, never interpreted) and link and image URLs other
 * than http, https and mailto are dropped, so an admin's body cannot carry script into a mail client.
 */
public final class NewsletterMarkdown {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();
    private static final TextContentRenderer TEXT = TextContentRenderer.builder().build();

    private NewsletterMarkdown() {
    }

    public static String html(String markdown) {
        return HTML.render(parse(markdown));
    }

    public static String text(String markdown) {
        return TEXT.render(parse(markdown));
    }

    private static Node parse(String markdown) {
        return PARSER.parse(markdown == null ? "" : markdown);
    }
}
