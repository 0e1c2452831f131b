package com.koomy.email;

public record RenderedEmail(String subject, String html, String text) {
}
