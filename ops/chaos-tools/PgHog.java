import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * "Another client" that takes every connection PostgreSQL will give it and keeps them open doing
 * nothing, for ops/chaos pg-exhausted. It keeps asking for more every few milliseconds, so that a
 * slot freed by anyone (a pool closing a connection, a terminated backend) is taken again at once.
 * Its connections live until the process ends (SIGTERM: the kernel closes the sockets and PostgreSQL
 * ends the backends).
 *
 * <pre>
 *   java ops/chaos-tools/PgHog.java HOST PORT USER DATABASE
 * </pre>
 *
 * Speaks just enough of the PostgreSQL protocol (v3 startup, no password: the chaos cluster trusts
 * loopback) to hold a session. Prints {@code epoch-ms held N refused M} every time N changes and
 * every second while it is refused; {@code full} once the server first answers "too many clients".
 * Single file, JDK only (the source launcher runs it).
 */
public class PgHog {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java PgHog.java HOST PORT USER DATABASE");
            System.exit(64);
        }
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        byte[] startup = startup(args[2], args[3]);
        List<Socket> held = new ArrayList<>();
        long refused = 0;
        boolean full = false;
        long lastPrint = 0;
        while (true) {
            String error = null;
            Socket socket = new Socket();
            try {
                socket.connect(address, 2000);
                socket.setSoTimeout(5000);
                error = open(socket, startup);
            } catch (IOException e) {
                error = e.toString();
            }
            long now = System.currentTimeMillis();
            if (error == null) {
                socket.setSoTimeout(0);
                held.add(socket);
                System.out.println(now + " held " + held.size() + " refused " + refused);
                continue;
            }
            socket.close();
            refused++;
            if (!full) {
                full = true;
                System.out.println(now + " full " + held.size() + " " + error.replace('\n', ' '));
            }
            if (now - lastPrint >= 1000) {
                lastPrint = now;
                System.out.println(now + " held " + held.size() + " refused " + refused);
            }
            Thread.sleep(10);
        }
    }

    /** Null once the session is ready for queries; else the server's error (or what went wrong). */
    private static String open(Socket socket, byte[] startup) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(startup);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            int type = in.read();
            if (type < 0) {
                return "closed by the server";
            }
            int length = in.readInt();
            byte[] body = new byte[length - 4];
            in.readFully(body);
            switch (type) {
                case 'Z':
                    return null; // ReadyForQuery
                case 'E':
                    return errorMessage(body);
                case 'R':
                    int code = ByteBuffer.wrap(body).getInt();
                    if (code != 0) {
                        return "the server asks for a password (authentication method " + code + ")";
                    }
                    break;
                default:
                    break; // ParameterStatus, BackendKeyData, notices
            }
        }
    }

    private static String errorMessage(byte[] body) {
        // Fields: a type byte and a NUL-terminated string each; 'M' is the message.
        int i = 0;
        while (i < body.length && body[i] != 0) {
            byte field = body[i++];
            int end = i;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            if (field == 'M') {
                return new String(body, i, end - i, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return "error";
    }

    private static byte[] startup(String user, String database) {
        byte[] params = ("user\0" + user + "\0database\0" + database + "\0application_name\0chaos-hog\0\0")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + params.length);
        b.putInt(8 + params.length).putInt(196608).put(params);
        return b.array();
    }
}
