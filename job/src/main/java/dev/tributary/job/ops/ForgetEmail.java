package dev.tributary.job.ops;

import dev.tributary.job.base.EmailHash;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Erasure of one person, by email, on one site (README, "Personal data"):
 *
 * <ol>
 *   <li>the email is hashed as gateway and job hash it (the deployment key from {@code
 *       TRIBUTARY_EMAIL_HASH_KEY}, empty for bare SHA-256), and the address itself goes nowhere;
 *   <li>the warehouse: the hash goes into {@code erased_emails}, and every {@code payments} row of
 *       the site with it loses it (a trigger keeps it out of later writes too);
 *   <li>the job: a {@code forget} record on the tracking topic makes {@code resolve-by-email} drop
 *       the email's link to its visitor and the payments it kept for re-linking.
 * </ol>
 *
 * <p>Run it when the job is running (or before it starts): the record waits in Kafka otherwise.
 * Usage: {@code ForgetEmail --site <id> --bootstrap-servers <host:port> --jdbc-url <url>
 * [--jdbc-user postgres] [--tracking-topic tributary.tracking]}, the email on standard input (so
 * that it stays out of shell history and process lists), the database password in {@code
 * TRIBUTARY_JDBC_PASSWORD}. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
public final class ForgetEmail {
  private ForgetEmail() {}

  public static void main(String[] args) throws Exception {
    String email = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).trim();
    System.exit(
        run(
            args,
            email,
            System.getenv().getOrDefault("TRIBUTARY_EMAIL_HASH_KEY", ""),
            System.getenv().getOrDefault("TRIBUTARY_JDBC_PASSWORD", ""),
            System.out,
            System.err));
  }

  /**
   * The command, testable: the email and secrets as arguments, never read from the command line.
   */
  public static int run(
      String[] args,
      String email,
      String emailHashKey,
      String jdbcPassword,
      PrintStream out,
      PrintStream err) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        err.println("unexpected argument " + args[i]);
        return 2;
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    String site = o.get("site");
    if (site == null || !o.containsKey("bootstrap-servers") || !o.containsKey("jdbc-url")) {
      err.println(
          "usage: ForgetEmail --site <id> --bootstrap-servers <host:port> --jdbc-url <url>"
              + " [--jdbc-user postgres] [--tracking-topic tributary.tracking] < email");
      return 2;
    }
    byte[] key = emailHashKey.isEmpty() ? null : emailHashKey.getBytes(StandardCharsets.UTF_8);
    String hash = EmailHash.of(key, site, email);
    if (hash == null) {
      err.println("standard input holds no email address");
      return 2;
    }
    try {
      int rows;
      try (Connection c =
              DriverManager.getConnection(
                  o.get("jdbc-url"), o.getOrDefault("jdbc-user", "postgres"), jdbcPassword);
          PreparedStatement suppress =
              c.prepareStatement(
                  "INSERT INTO erased_emails (site_id, email_hash) VALUES (?, ?)"
                      + " ON CONFLICT DO NOTHING");
          PreparedStatement clear =
              c.prepareStatement(
                  "UPDATE payments SET email_hash = NULL WHERE site_id = ? AND email_hash = ?")) {
        c.setAutoCommit(false);
        suppress.setString(1, site);
        suppress.setString(2, hash);
        suppress.executeUpdate();
        clear.setString(1, site);
        clear.setString(2, hash);
        rows = clear.executeUpdate();
        c.commit();
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.get("bootstrap-servers"));
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("v", 1);
        json.put("type", "forget");
        json.put("siteId", site);
        json.put("emailHash", hash);
        json.put("receivedAt", Instant.now().toString());
        json.put("eventId", UUID.randomUUID().toString());
        String record = json.toString();
        producer
            .send(
                new ProducerRecord<>(
                    o.getOrDefault("tracking-topic", "tributary.tracking"),
                    site + ":" + hash,
                    record))
            .get(30, TimeUnit.SECONDS);
      }
      out.println(
          "forgotten on site "
              + site
              + ": "
              + rows
              + " payment row(s) cleared, the job told to drop the email's link");
      return 0;
    } catch (Exception e) {
      err.println("failed: " + e);
      return 1;
    }
  }
}
