package com.koomy.memberships;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class MemberExportCsvTest {

    @Test
    void quotesWhatRfc4180Needs() {
        assertThat(Csv.cell("Ann")).isEqualTo("Ann");
        assertThat(Csv.cell(null)).isEmpty();
        assertThat(Csv.cell("Doe, Jo")).isEqualTo("\"Doe, Jo\"");
        assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.cell("cr\rhere")).isEqualTo("\"cr\rhere\"");
    }

    @Test
    void defusesFormulas() {
        assertThat(Csv.cell("=1+1")).isEqualTo("'=1+1");
        assertThat(Csv.cell("+33 6 12")).isEqualTo("'+33 6 12");
        assertThat(Csv.cell("-2")).isEqualTo("'-2");
        assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.cell("\tx")).isEqualTo("'\tx");
        assertThat(Csv.cell("=HYPERLINK(\"a\",\"b\")")).isEqualTo("\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"");
        assertThat(Csv.cell("a=b")).isEqualTo("a=b");
    }

    @Test
    void rowsEndWithCrLf() throws Exception {
        StringWriter out = new StringWriter();
        Csv.row(out, "a", null, "c,d");
        assertThat(out).hasToString("a,,\"c,d\"\r\n");
    }
}
