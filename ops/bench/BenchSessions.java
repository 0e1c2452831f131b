import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Sessions of the ops/bench programs (JDK only): written straight into Redis as the API's SessionStore writes
 * them, so that a benchmark signs its members in without measuring it. REDIS_PASSWORD, REDIS_DATABASE (default 0)
 * and KOOMY_REDIS_PREFIX (default koomy:, as config/api.yml) come from the environment.
 */
final class BenchSessions {

    private static final HexFormat HEX = HexFormat.of();

    private BenchSessions() {
    }

    /** One session per member, written as SessionStore writes them (pipelined RESP over one socket). */
    static List<String> write(String host, int port, List<String> members, String runId) throws Exception {
        List<String> tokens = new ArrayList<>();
        long now = System.currentTimeMillis();
        long absolute = now + 86_400_000L;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Socket socket = new Socket(host, port)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            String password = System.getenv("REDIS_PASSWORD");
            String database = System.getenv().getOrDefault("REDIS_DATABASE", "");
            String prefix = System.getenv().getOrDefault("KOOMY_REDIS_PREFIX", "");
            prefix = prefix.isEmpty() ? "koomy:" : prefix;
            int commands = 0;
            if (password != null && !password.isEmpty()) {
                resp(out, "AUTH", password);
                commands++;
            }
            if (!database.isEmpty() && !database.equals("0")) {
                resp(out, "SELECT", database);
                commands++;
            }
            for (int i = 0; i < members.size(); i++) {
                String token = "bench-" + runId + "-" + i + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
                tokens.add(token);
                String key = prefix + "session:" + HEX.formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
                resp(out, "HSET", key, "account", members.get(i), "created", Long.toString(now), "absolute", Long.toString(absolute));
                resp(out, "PEXPIRE", key, "3600000");
                commands += 2;
            }
            out.flush();
            InputStream in = socket.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (int i = 0; i < commands; i++) {
                String line = reader.readLine();
                if (line == null || line.startsWith("-")) {
                    throw new IllegalStateException("Redis refused a session write: " + line);
                }
            }
        }
        return tokens;
    }

    private static void resp(OutputStream out, String... parts) throws IOException {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            b.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
