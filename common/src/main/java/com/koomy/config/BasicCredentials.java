package com.koomy.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A user name and password that operators' pages ask for (the admin port, the JobRunr dashboard),
 * compared in constant time: both sides are hashed first, so neither the content nor the length of a
 * wrong guess shows in the answer's timing. Blank means not configured, and then nothing matches.
 */
public record BasicCredentials(String user, String password) {

    public boolean isConfigured() {
        return user != null && !user.isBlank() && password != null && !password.isBlank();
    }

    public boolean matches(String givenUser, String givenPassword) {
        if (!isConfigured() || givenUser == null || givenPassword == null) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(sha256(user), sha256(givenUser));
        boolean passwordOk = MessageDigest.isEqual(sha256(password), sha256(givenPassword));
        return userOk & passwordOk;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "BasicCredentials{user=" + user + ", password=" + (isConfigured() ? "***" : "") + "}";
    }
}
