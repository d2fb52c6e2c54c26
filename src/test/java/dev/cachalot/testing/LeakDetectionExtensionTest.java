package dev.cachalot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The global leak check really sees a leak (and this test takes it back so the run stays green). */
class LeakDetectionExtensionTest {

  @Test
  void aDroppedBufferIsReported() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    LeakDetectionExtension.collect();
    leak();
    assertThat(LeakDetectionExtension.collect()).anySatisfy(report -> assertThat(report).contains("LEAK"));
  }

  private static void leak() {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    buf.writeLong(42);
    // dropped without release
  }
}
