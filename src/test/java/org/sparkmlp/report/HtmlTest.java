package org.sparkmlp.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesMarkupQuotesAndReferencesAndReplacesForbiddenCharacters() {
        assertEquals("&lt;td a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;amp;&lt;/td&gt;", Html.escape("<td a=\"1\" b='2'>&amp;</td>"));
        assertEquals("a\uFFFDb\uFFFDc\td", Html.escape("a\u0000b\uD800c\td"));
        assertEquals("\uD83D\uDE00 ü", Html.escape("\uD83D\uDE00 ü"));
        assertEquals("", Html.escape(null));
    }
}
