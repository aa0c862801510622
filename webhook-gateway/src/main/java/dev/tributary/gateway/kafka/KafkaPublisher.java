package dev.tributary.gateway.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records to Kafka and says when each one is on every in-sync replica, without any caller
 * waiting for it: {@link #publish} returns a future that the producer's callback completes. The
 * gateway answers 2xx only once that future succeeded, so a provider retries whatever this could
 * not store.
 *
 * <p>No request thread ever waits on Kafka: {@code KafkaProducer.send} itself may block (for topic
 * metadata, or for buffer space while the broker is slow), so it runs on a thread of its own, one
 * per publisher; the futures are completed on {@code completions} (the HTTP server's pool), never
 * on the producer's network thread, which must not write HTTP responses.
 *
 * <p>The timeouts are short on purpose: with the broker down, a request fails within seconds (and
 * the provider retries later) instead of holding a connection until the provider gives up. Every
 * future completes within {@link #ANSWER_BOUND}. Thread-safe; the gateway has one per lane
 * (webhooks, tracking), each with its own producer, buffer and broker connections.
 */
public final class KafkaPublisher implements AutoCloseable {

  /** How long {@code send} may wait for metadata or buffer space. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  /** Upper bound for a record to be acknowledged, retries included, once it was handed over. */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Every future is complete by then: the producer fails a record after {@link #MAX_BLOCK} in
   * {@code send} plus {@link #DELIVERY_TIMEOUT}; this guards against a record that waited in line
   * for the send thread behind others that each blocked, or a callback that never came.
   */
  public static final Duration ANSWER_BOUND = DELIVERY_TIMEOUT.plus(MAX_BLOCK);

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;
  private final Executor completions;
  private final ScheduledExecutorService timers;

  /**
   * @param clientId the producer's {@code client.id} (one per lane)
   * @param completions where futures are completed: the HTTP server's thread pool
   * @param timers runs the {@link #ANSWER_BOUND} guard
   */
  public KafkaPublisher(
      String bootstrapServers,
      String clientId,
      Executor completions,
      ScheduledExecutorService timers) {
    this.completions = completions;
    this.timers = timers;
    this.sender =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, clientId + "-send");
              thread.setDaemon(true);
              return thread;
            });
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG,
                clientId,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) MAX_BLOCK.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) DELIVERY_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) REQUEST_TIMEOUT.toMillis(),
                // Every request waits for its own ack, so waiting for a fuller batch only adds
                // latency; concurrent requests still share batches while one is in flight.
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                // A webhook is 2–10 KB: the default 16 KB batch held two or three, so under load
                // every request waited for a round trip of its own (deploy/bench/README.md)
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /**
   * Hands one record to Kafka. The future succeeds once the record is acknowledged ({@code
   * acks=all}), and fails with a {@link PublishException} if it was not, within {@link
   * #ANSWER_BOUND}; nothing may be answered as accepted then.
   */
  public CompletableFuture<Void> publish(
      String topic, String key, byte[] value, long timestampMillis) {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    ScheduledFuture<?> guard =
        timers.schedule(
            () -> fail(ack, new PublishException("no Kafka ack in time", null, false)),
            ANSWER_BOUND.toMillis(),
            TimeUnit.MILLISECONDS);
    ack.whenComplete((ok, error) -> guard.cancel(false));
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, null, timestampMillis, key, value);
    try {
      sender.execute(() -> send(record, ack));
    } catch (RejectedExecutionException e) {
      ack.completeExceptionally(new PublishException("the gateway is stopping", e, false));
    }
    return ack;
  }

  private void send(ProducerRecord<String, byte[]> record, CompletableFuture<Void> ack) {
    if (ack.isDone()) {
      // answered already (the bound passed while this record waited for the send thread): a
      // record sent now could be stored after the client was told it was not
      return;
    }
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              succeed(ack);
            } else {
              fail(ack, failure(error));
            }
          });
    } catch (RuntimeException e) {
      // metadata or buffer space not available within max.block.ms, or the producer is closed
      fail(ack, failure(e));
    }
  }

  private void succeed(CompletableFuture<Void> ack) {
    try {
      completions.execute(() -> ack.complete(null));
    } catch (RejectedExecutionException e) {
      ack.complete(null); // the server is stopping: nobody writes an answer any more
    }
  }

  private void fail(CompletableFuture<Void> ack, PublishException error) {
    try {
      completions.execute(() -> ack.completeExceptionally(error));
    } catch (RejectedExecutionException e) {
      ack.completeExceptionally(error);
    }
  }

  /** Flushes what was handed over (at most 5 s), then stops the producer and its send thread. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(MAX_BLOCK.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }

  private static PublishException failure(Throwable cause) {
    boolean tooLarge = cause instanceof RecordTooLargeException;
    return new PublishException("Kafka did not accept the record: " + cause, cause, tooLarge);
  }
}
