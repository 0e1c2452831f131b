package com.koomy.communities;

/** A community's stored card key pair: the public key in clear, the private key encrypted (see V7). */
public record CommunityKey(byte[] publicKey, byte[] privateKeyNonce, byte[] privateKeyEnc) {
}
