package dev.cachalot.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test run when Netty's leak detector reports a leaked buffer (or any other tracked
 * resource). Registered globally (META-INF/services + junit-platform.properties autodetection), it
 * installs a {@link ResourceLeakDetectorFactory} whose detectors record every report, and after
 * each test class forces garbage collection and allocates a few buffers so that pending leaks are
 * reported, then fails that class with the records. Runs with the paranoid level set in the pom.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {

  private static final List<String> LEAKS = new ArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        return new RecordingDetector<>(resource, samplingInterval);
      }
    });
  }

  /** Leak reports recorded so far and not yet claimed by a failing class; clears them. */
  public static List<String> drain() {
    synchronized (LEAKS) {
      List<String> copy = List.copyOf(LEAKS);
      LEAKS.clear();
      return copy;
    }
  }

  /** Forces pending leaks to be reported: GC, then allocations that make the detectors poll. */
  public static List<String> collect() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      System.runFinalization();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      for (ByteBufAllocator alloc : List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT,
          ByteBufAllocator.DEFAULT)) {
        for (int i = 0; i < 4; i++) {
          ByteBuf b = alloc.buffer(16);
          b.release();
          ByteBuf d = alloc.directBuffer(16);
          d.release();
        }
      }
    }
    return drain();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // The static initialiser installed the factory; nothing else to do.
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during or before "
          + context.getDisplayName() + ":\n" + String.join("\n---\n", leaks));
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<?> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      record("LEAK: " + resourceType + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      record("LEAK: " + resourceType + " (no records)");
      super.reportUntracedLeak(resourceType);
    }

    private static void record(String report) {
      synchronized (LEAKS) {
        LEAKS.add(report);
      }
    }
  }
}
