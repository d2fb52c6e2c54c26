package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PerThreadMemoTest {

  private final List<String> computed = new ArrayList<>();
  private final PerThreadMemo<String, String> memo = PerThreadMemo.byValue(4, key -> {
    synchronized (computed) {
      computed.add(key);
    }
    if (key.startsWith("bad")) {
      throw new IllegalArgumentException("refused " + key);
    }
    return key.toUpperCase();
  });

  @Test
  void aKeyAskedForAgainIsNotComputedAgain() {
    assertThat(memo.get("a")).isEqualTo("A");
    assertThat(memo.get(new String("a"))).isEqualTo("A");

    assertThat(computed).containsExactly("a");
  }

  @Test
  void aKeyThatTakesItsSlotOverIsComputedAndTheOldOneIsComputedAgain() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < 2; i++) {
      String key = "k" + i;
      int h = key.hashCode();
      if (((h ^ (h >>> 16)) & 3) == 0) {
        keys.add(key);
      }
    }

    memo.get(keys.get(0));
    memo.get(keys.get(1));
    memo.get(keys.get(0));

    assertThat(computed).containsExactly(keys.get(0), keys.get(1), keys.get(0));
  }

  @Test
  void aFailureReachesTheCallerEachTimeAndIsNotRemembered() {
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> memo.get("bad")).isInstanceOf(IllegalArgumentException.class);
    }

    assertThat(computed).containsExactly("bad", "bad");
  }

  @Test
  void eachThreadRemembersForItself() throws Exception {
    memo.get("a");
    CompletableFuture.supplyAsync(() -> memo.get("a")).get();

    assertThat(computed).containsExactly("a", "a");
  }

  @Test
  void byIdentityAnEqualKeyThatIsAnotherObjectIsComputedAgain() {
    List<List<String>> seen = new ArrayList<>();
    PerThreadMemo<List<String>, Integer> sizes = PerThreadMemo.byIdentity(4, key -> {
      seen.add(key);
      return key.size();
    });
    List<String> key = List.of("a");

    sizes.get(key);
    sizes.get(key);
    sizes.get(new ArrayList<>(key));

    assertThat(seen).hasSize(2);
  }

  @Test
  void slotsMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> PerThreadMemo.<String, String>byValue(3, k -> k))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 3");
  }
}
