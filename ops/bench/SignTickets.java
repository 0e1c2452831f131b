import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Writes the scans of one ops/bench/checkin run: ticket QR codes signed exactly as the API signs them
 * (common/.../events/TicketCode and TicketKeys), so wrk only replays bytes.
 *
 * <pre>
 *   KOOMY_CARD_KEY_SECRET=... java ops/bench/SignTickets.java COMMUNITY_ID EVENT_ID VALID_FROM VALID_UNTIL \
 *       DUPLICATE_PERCENT GATES PARTS RUN_LABEL OUT_DIR < key-and-tickets
 * </pre>
 *
 * Standard input: first line {@code public_key_hex TAB nonce_hex TAB private_key_enc_hex} (the
 * community's row of koomy.community_keys), then one ticket id a line. The private key is decrypted
 * with the key-encryption key from the environment (AES-256-GCM, the community id as additional
 * data), as CommunityKeys does. Every ticket is scanned once, in random order; DUPLICATE_PERCENT of
 * them a second time right after the first, so that the two land in different wrk threads at the same
 * moment (scan i goes to part i % PARTS) with different gates and scan ids. Writes OUT_DIR/req.1 ..
 * req.PARTS, one scan a line: {@code n TAB compact JSON body} whose scan id starts with {@code @@}, which
 * checkin.lua replaces with a prefix of its run (so one signed plan serves several rounds); and
 * OUT_DIR/plan.txt with the counts.
 */
public class SignTickets {

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            throw new IllegalArgumentException("usage: SignTickets COMMUNITY EVENT VALID_FROM VALID_UNTIL DUP_PERCENT GATES PARTS LABEL OUT_DIR");
        }
        UUID community = UUID.fromString(args[0]);
        String event = UUID.fromString(args[1]).toString();
        long validFrom = Long.parseLong(args[2]);
        long validUntil = Long.parseLong(args[3]);
        int duplicatePercent = Integer.parseInt(args[4]);
        int gates = Integer.parseInt(args[5]);
        int parts = Integer.parseInt(args[6]);
        String label = args[7];
        Path out = Path.of(args[8]);
        String secret = System.getenv("KOOMY_CARD_KEY_SECRET");
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("KOOMY_CARD_KEY_SECRET is not set");
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String[] key = in.readLine().strip().split("\t");
        HexFormat hex = HexFormat.of();
        byte[] publicKey = hex.parseHex(key[0]);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(secret.strip()), "AES"),
                new GCMParameterSpec(128, hex.parseHex(key[1])));
        cipher.updateAAD(ByteBuffer.allocate(16).putLong(community.getMostSignificantBits())
                .putLong(community.getLeastSignificantBits()).array());
        PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(cipher.doFinal(hex.parseHex(key[2]))));
        String keyId = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), 8));

        List<String> tickets = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                tickets.add(UUID.fromString(line.strip()).toString());
            }
        }
        Random random = new Random(42);
        Collections.shuffle(tickets, random);
        Signature signer = Signature.getInstance("Ed25519");
        List<String> qrs = new ArrayList<>(tickets.size());
        for (String ticket : tickets) {
            String payload = "koomy-ticket:v1:" + keyId + ":" + ticket + ":" + event + ":1:" + validFrom + ":" + validUntil;
            signer.initSign(privateKey);
            signer.update(payload.getBytes(StandardCharsets.UTF_8));
            qrs.add(payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()));
        }
        // Scans: each ticket once; every k-th ticket again right after (another part, gate and scan id).
        int every = duplicatePercent <= 0 ? Integer.MAX_VALUE : Math.max(1, 100 / duplicatePercent);
        List<String> scans = new ArrayList<>();
        int duplicates = 0;
        for (int i = 0; i < qrs.size(); i++) {
            scans.add(qrs.get(i));
            if (i % every == every - 1) {
                scans.add(qrs.get(i));
                duplicates++;
            }
        }
        Files.createDirectories(out);
        BufferedWriter[] writers = new BufferedWriter[parts];
        for (int p = 0; p < parts; p++) {
            writers[p] = Files.newBufferedWriter(out.resolve("req." + (p + 1)), StandardCharsets.UTF_8);
        }
        for (int n = 0; n < scans.size(); n++) {
            String body = "{\"qr\":\"" + scans.get(n) + "\",\"scanId\":\"@@" + label + "-" + n + "\",\"gate\":\"gate-"
                    + (n % gates + 1) + "\"}";
            BufferedWriter w = writers[n % parts];
            w.write(n + "\t" + body);
            w.newLine();
        }
        for (BufferedWriter w : writers) {
            w.close();
        }
        Files.writeString(out.resolve("plan.txt"), "tickets " + tickets.size() + "\nscans " + scans.size()
                + "\nduplicates " + duplicates + "\n");
    }
}
