package com.koomy.memberships;

import java.io.IOException;
import java.io.Writer;

/**
 * RFC 4180 CSV cells: a cell with a quote, comma, CR or LF is quoted, its quotes doubled. A cell that a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe first:
 * member names and emails are typed by members, and the file is opened by admins.
 */
public final class Csv {

    private Csv() {
    }

    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == '"' || c == ',' || c == '\n' || c == '\r';
        }
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    /** One line, CRLF-terminated as RFC 4180 says. */
    public static void row(Writer out, String... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells[i]));
        }
        out.write("\r\n");
    }
}
