package com.koomy.csv;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The one CSV writer of every export (members, payments). Cells are typed by members and the files are
 * opened by admins in a spreadsheet, so:
 * <ul>
 *   <li>every cell is quoted (RFC 4180, quotes doubled): a cell is one cell whatever separator the
 *   spreadsheet guesses or is told, {@code ,} or {@code ;} ({@code x;=1+1;} never splits into a formula);</li>
 *   <li>a cell that a spreadsheet would run as a formula (starting with {@code = + - @}, tab or CR) gets a
 *   leading apostrophe, and so does a formula start after a {@code , ;} tab, CR or LF inside a cell, where a
 *   spreadsheet split with another separator would start a cell;</li>
 *   <li>no {@code sep=} hint line: the file says nothing that changes how it is split.</li>
 * </ul>
 * UTF-8, CRLF line ends; written through a 64 KiB buffer, so a caller streams rows as it reads them.
 */
public final class Csv {

    public static final String MEDIA_TYPE = "text/csv; charset=UTF-8";
    private static final String FORMULA_STARTS = "=+-@\t\r";
    /*
     * A spreadsheet told another separator than ours sees our quotes only around a row's first cell: later in
     * the row, its separator starts a cell and a line break a row (LibreOffice with ';' splits
     * "a","b;=1+1" into a formula). So after a , ; tab CR or LF inside a cell, a formula start gets the
     * apostrophe too.
     */
    private static final String BREAKS = ",;\t\r\n";
    private static final String MID_CELL_STARTS = "=+-@";

    private final Writer out;

    private Csv(Writer out) {
        this.out = out;
    }

    public static Csv to(OutputStream stream) {
        return new Csv(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024));
    }

    public static Csv to(Writer out) {
        return new Csv(out);
    }

    /** One quoted cell; null is the empty cell. */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "\"\"";
        }
        StringBuilder text = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (i == 0 ? FORMULA_STARTS.indexOf(c) >= 0 : MID_CELL_STARTS.indexOf(c) >= 0 && BREAKS.indexOf(value.charAt(i - 1)) >= 0) {
                text.append('\'');
            }
            text.append(c);
            if (c == '"') {
                text.append('"');
            }
        }
        return text.append('"').toString();
    }

    /** One line, CRLF-terminated as RFC 4180 says. */
    public Csv row(String... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells[i]));
        }
        out.write("\r\n");
        return this;
    }

    public void flush() throws IOException {
        out.flush();
    }
}
