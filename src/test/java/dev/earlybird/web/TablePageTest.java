package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TablePageTest {
  static final List<Integer> ROWS = IntStream.rangeClosed(1, 120).boxed().toList();

  static Map<String, List<String>> query(String... kv) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      q.put(kv[i], List.of(kv[i + 1]));
    }
    return q;
  }

  @Test
  void pagesOfFiftyWithLinksThatKeepTheWindow() {
    var q = query("from", "2026-12-07T00:00:00Z", "page", "2");
    TablePage<Integer> second = TablePage.of(ROWS, "2", q, "page");
    assertThat(second.rows()).first().isEqualTo(51);
    assertThat(second.rows()).hasSize(50).last().isEqualTo(100);
    assertThat(second.pages()).isEqualTo(3);
    assertThat(second.firstRow()).isEqualTo(51);
    assertThat(second.lastRow()).isEqualTo(100);
    assertThat(second.prevLink()).isEqualTo("?from=2026-12-07T00%3A00%3A00Z&page=1");
    assertThat(second.nextLink()).isEqualTo("?from=2026-12-07T00%3A00%3A00Z&page=3");

    TablePage<Integer> first = TablePage.of(ROWS, null, query(), "page");
    assertThat(first.rows()).hasSize(50).first().isEqualTo(1);
    assertThat(first.prevLink()).isNull();
    assertThat(first.nextLink()).isEqualTo("?page=2");
    TablePage<Integer> last = TablePage.of(ROWS, "3", query("page", "3"), "page");
    assertThat(last.rows()).containsExactlyElementsOf(ROWS.subList(100, 120));
    assertThat(last.nextLink()).isNull();
    assertThat(last.lastRow()).isEqualTo(120);
    assertThat(TablePage.of(List.of(), null, query(), "page").pages()).isEqualTo(1);
  }

  @Test
  void aPageThatIsNotThereIsABadRequestThatSaysWhichAreThere() {
    assertThatThrownBy(() -> TablePage.of(ROWS, "4", query(), "page")).isInstanceOf(BadRequest.class)
        .hasMessageContaining("'page' must be between 1 and 3").hasMessageContaining("120 rows");
    assertThatThrownBy(() -> TablePage.of(ROWS, "0", query(), "page")).isInstanceOf(BadRequest.class)
        .hasMessageContaining("got '0'");
    assertThatThrownBy(() -> TablePage.of(ROWS, "x<b>", query(), "page")).isInstanceOf(BadRequest.class)
        .hasMessageContaining("page number");
  }
}
