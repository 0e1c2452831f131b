package com.koomy.email;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders a template's subject, HTML and text parts with mustache.java from the files under
 * {@code email/<template>/<locale>.{subject,html,txt}.mustache} on the classpath. Variables are
 * HTML-escaped in the HTML part; the subject and text parts are plain text and are not.
 */
public class EmailRenderer {

    private final MustacheFactory html = new DefaultMustacheFactory("email");
    private final MustacheFactory plain = new DefaultMustacheFactory("email") {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private final Map<String, Object> defaults;

    /** {@code defaults}: variables every template may use (product name, site URL...). */
    public EmailRenderer(Map<String, Object> defaults) {
        this.defaults = Map.copyOf(defaults);
    }

    public RenderedEmail render(EmailTemplate template, String locale, Map<String, Object> variables) {
        Map<String, Object> scope = new HashMap<>(defaults);
        scope.putAll(variables);
        String base = template.id() + "/" + locale;
        String subject = render(plain, base + ".subject.mustache", scope).strip().replaceAll("\\s+", " ");
        return new RenderedEmail(subject, render(html, base + ".html.mustache", scope),
                render(plain, base + ".txt.mustache", scope));
    }

    private static String render(MustacheFactory factory, String name, Map<String, Object> scope) {
        Mustache mustache = factory.compile(name);
        StringWriter out = new StringWriter();
        mustache.execute(out, scope);
        return out.toString();
    }
}
