import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * "Another client" that takes every connection PostgreSQL will give it and keeps them open doing
 * nothing, for ops/chaos pg-exhausted. It keeps asking for more every few milliseconds, so that a
 * slot freed by anyone (a pool closing a connection, a terminated backend) is taken again at once.
 * Its connections live until the process ends (SIGTERM: the kernel closes the sockets and PostgreSQL
 * ends the backends).
 *
 * <pre>
 *   java ops/chaos-tools/PgHog.java HOST PORT USER DATABASE [THREADS]
 * </pre>
 *
 * Speaks just enough of the PostgreSQL protocol (v3 startup, no password: the chaos cluster trusts
 * loopback) to hold a session, from THREADS threads at once (8). Prints {@code epoch-ms held N refused M}
 * every time N changes and every second while it is refused; {@code epoch-ms full N message} once,
 * at the first refusal.
 * Single file, JDK only (the source launcher runs it).
 */
public class PgHog {

    public static void main(String[] args) throws Exception {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: java PgHog.java HOST PORT USER DATABASE [THREADS]");
            System.exit(64);
        }
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        byte[] startup = startup(args[2], args[3]);
        int threads = args.length == 5 ? Integer.parseInt(args[4]) : 8;
        List<Socket> held = new ArrayList<>();
        AtomicLong refused = new AtomicLong();
        AtomicBoolean full = new AtomicBoolean();
        AtomicLong lastPrint = new AtomicLong();
        // Several threads ask at once, so that a burst of freed slots goes to the hog rather than to
        // the pools of whoever else reconnects at that moment.
        List<Thread> askers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread asker = new Thread(() -> {
                while (true) {
                    String error;
                    Socket socket = new Socket();
                    try {
                        socket.connect(address, 2000);
                        socket.setSoTimeout(5000);
                        error = open(socket, startup);
                        if (error == null) {
                            socket.setSoTimeout(0);
                        }
                    } catch (IOException e) {
                        error = e.toString();
                    }
                    long now = System.currentTimeMillis();
                    synchronized (held) {
                        if (error == null) {
                            held.add(socket);
                            System.out.println(now + " held " + held.size() + " refused " + refused.get());
                            continue;
                        }
                        refused.incrementAndGet();
                        if (full.compareAndSet(false, true)) {
                            System.out.println(now + " full " + held.size() + " " + error.replace('\n', ' '));
                        }
                        if (now - lastPrint.get() >= 1000) {
                            lastPrint.set(now);
                            System.out.println(now + " held " + held.size() + " refused " + refused.get());
                        }
                    }
                    try {
                        socket.close();
                        Thread.sleep(20);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            asker.start();
            askers.add(asker);
        }
        for (Thread asker : askers) {
            asker.join();
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
