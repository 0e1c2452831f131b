package com.koomy.csv;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTest {

    @Test
    void everyCellIsQuotedWithItsQuotesDoubled() {
        assertThat(Csv.cell("Ann")).isEqualTo("\"Ann\"");
        assertThat(Csv.cell(null)).isEqualTo("\"\"");
        assertThat(Csv.cell("")).isEqualTo("\"\"");
        assertThat(Csv.cell("Doe, Jo")).isEqualTo("\"Doe, Jo\"");
        assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.cell("cr\rhere")).isEqualTo("\"cr\rhere\"");
    }

    @Test
    void cellsThatWouldRunAsFormulasStartWithAnApostrophe() {
        assertThat(Csv.cell("=1+1")).isEqualTo("\"'=1+1\"");
        assertThat(Csv.cell("+33 6 12")).isEqualTo("\"'+33 6 12\"");
        assertThat(Csv.cell("-2")).isEqualTo("\"'-2\"");
        assertThat(Csv.cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
        assertThat(Csv.cell("\tx")).isEqualTo("\"'\tx\"");
        assertThat(Csv.cell("\r=1")).isEqualTo("\"'\r'=1\"");
        assertThat(Csv.cell("=HYPERLINK(\"a\",\"b\")")).isEqualTo("\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"");
        assertThat(Csv.cell("a=b")).isEqualTo("\"a=b\"");
        assertThat(Csv.cell("a-b, c+d")).isEqualTo("\"a-b, c+d\"");
    }

    @Test
    void formulaStartsAfterASeparatorOrLineBreakInsideACellGetTheApostropheToo() {
        assertThat(Csv.cell("x;=1+1;")).isEqualTo("\"x;'=1+1;\"");
        assertThat(Csv.cell("a,@SUM(1)")).isEqualTo("\"a,'@SUM(1)\"");
        assertThat(Csv.cell("a\t+1")).isEqualTo("\"a\t'+1\"");
        assertThat(Csv.cell("a\r\n-1")).isEqualTo("\"a\r\n'-1\"");
        assertThat(Csv.cell("=1;=2")).isEqualTo("\"'=1;'=2\"");
    }

    @Test
    void rowsEndWithCrLfAndNoSeparatorHintIsWritten() throws Exception {
        StringWriter out = new StringWriter();
        Csv.to(out).row("a", null, "c,d").row("sep=;").flush();
        assertThat(out).hasToString("\"a\",\"\",\"c,d\"\r\n\"sep=;\"\r\n");
    }
}
