package com.koomy.newsletters;

/** The newsletter rendered as members will get it, and how many would get it if it were sent now. */
public record NewsletterPreview(String subject, String html, String text, long audience) {
}
