package dev.cachalot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {

  private final Headers h = Headers.of("Vary", "Accept", "content-type", "text/html", "VARY", "Accept-Encoding , , X");

  @ParameterizedTest
  @ValueSource(strings = {"vary", "Vary", "VARY", "vArY"})
  void rfc9110_5_1_namesAreCaseInsensitive(String name) {
    assertThat(h.first(name)).contains("Accept");
    assertThat(h.all(name)).containsExactly("Accept", "Accept-Encoding , , X");
    assertThat(h.contains(name)).isTrue();
  }

  @Test
  void rfc9110_5_3_valuesCombineLinesAndSplitListMembers() {
    assertThat(h.values("Vary")).containsExactly("Accept", "Accept-Encoding", "X");
    assertThat(h.values("Missing")).isEmpty();
  }

  @Test
  void rfc9110_5_6_4_commasInsideQuotedStringsDoNotSplit() {
    assertThat(Headers.splitList("a, \"b, c\", d=\"e\\\",f\"")).containsExactly("a", "\"b, c\"", "d=\"e\\\",f\"");
  }

  @Test
  void withReplacesAllLinesAtTheFirstPosition() {
    Headers r = h.with("vary", "*");
    assertThat(r).isEqualTo(Headers.of("vary", "*", "content-type", "text/html"));
    assertThat(h.with("X-New", "1").fields().get(3).name()).isEqualTo("X-New");
  }

  @Test
  void plusAppendsWithoutRemovesEveryLine() {
    assertThat(h.plus("Vary", "Y").values("Vary")).containsExactly("Accept", "Accept-Encoding", "X", "Y");
    assertThat(h.without("VARY")).isEqualTo(Headers.of("content-type", "text/html"));
    assertThat(h.without("absent")).isSameAs(h);
    assertThat(h.without(List.of("vary", "Content-Type")).isEmpty()).isTrue();
  }

  @Test
  void immutable() {
    Headers before = Headers.of("A", "1");
    before.plus("B", "2");
    before.with("A", "3");
    assertThat(before).isEqualTo(Headers.of("a", "1"));
    assertThatThrownBy(() -> before.fields().add(new Headers.Field("x", "y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalityIgnoresNameCaseButNotOrderOrValueCase() {
    assertThat(Headers.of("A", "x")).isEqualTo(Headers.of("a", "x")).hasSameHashCodeAs(Headers.of("a", "x"));
    assertThat(Headers.of("A", "x")).isNotEqualTo(Headers.of("A", "X"));
    assertThat(Headers.of("A", "1", "B", "2")).isNotEqualTo(Headers.of("B", "2", "A", "1"));
  }

  @Test
  void oddNumberOfStringsIsRejected() {
    assertThatThrownBy(() -> Headers.of("A")).hasMessageContaining("pairs");
    assertThatThrownBy(() -> Headers.of("", "v")).hasMessageContaining("empty");
  }

  @Test
  void builderAndIteration() {
    Headers b = Headers.builder().add("A", "1").add("B", "2").build();
    assertThat(b).extracting(Headers.Field::name).containsExactly("A", "B");
    assertThat(b.toBuilder().add("C", "3").build().size()).isEqualTo(3);
    assertThat(Headers.builder().build()).isSameAs(Headers.EMPTY);
  }
}
