package dev.ferry.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CallbackWaitsTest {

  private final AtomicBoolean streamClosed = new AtomicBoolean();
  private final Closeable stream = () -> streamClosed.set(true);

  @Test
  void aCallThatOutlivesItsDeadlineIsClosed() throws InterruptedException {
    var callback = new ResultCallback.Adapter<Object>();
    callback.onStart(stream);

    assertThat(CallbackWaits.awaitOrClose(callback, Duration.ofMillis(100))).isFalse();
    assertThat(streamClosed).as("stream closed").isTrue();
  }

  @Test
  void aCallGivenUpBeforeTheEngineAnsweredIsClosedWhenTheAnswerComes() throws InterruptedException {
    var callback = new ResultCallback.Adapter<Object>();

    assertThat(CallbackWaits.awaitOrClose(callback, Duration.ofMillis(100))).isFalse();
    callback.onStart(stream); // docker-java, once the engine's answer arrived

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!streamClosed.get() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(streamClosed).as("stream closed").isTrue();
  }

  @Test
  void aCallThatIsInterruptedIsClosed() {
    var callback = new ResultCallback.Adapter<Object>();
    callback.onStart(stream);
    Thread.currentThread().interrupt();

    try {
      CallbackWaits.awaitOrClose(callback, Duration.ofSeconds(30));
    } catch (InterruptedException expected) {
      // as the caller sees it
    }
    assertThat(streamClosed).as("stream closed").isTrue();
  }

  @Test
  void aCompletedCallIsDone() throws InterruptedException {
    var callback = new ResultCallback.Adapter<Object>();
    callback.onStart(stream);
    callback.onComplete();

    assertThat(CallbackWaits.awaitOrClose(callback, Duration.ofSeconds(5))).isTrue();
  }
}
