package dev.tributary.job.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The few calls of Flink's REST API a redeploy needs (upload a jar, run it from a savepoint, stop a
 * job with a savepoint, watch a job), over the JDK's HTTP client so that the tool runs with nothing
 * but the job jar on the class path.
 */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public FlinkRest(URI base) {
    this.base = base;
  }

  /** Uploads a jar; returns its id on the cluster. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "tributary-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    JsonNode r =
        send(
            HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    String file = r.path("filename").asText();
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar, from {@code savepoint} when not null; returns the job id. */
  public String run(
      String jarId, String entryClass, List<String> args, Integer parallelism, String savepoint)
      throws IOException, InterruptedException {
    ObjectNode req = JSON.createObjectNode();
    req.put("entryClass", entryClass);
    args.forEach(req.putArray("programArgsList")::add);
    if (parallelism != null) {
      req.put("parallelism", parallelism);
    }
    if (savepoint != null) {
      req.put("savepointPath", savepoint);
      // a savepoint that no longer matches the job is an error, never silently dropped state
      req.put("allowNonRestoredState", false);
    }
    return post("/jars/" + jarId + "/run", req).path("jobid").asText();
  }

  /** Stops {@code jobId} with a canonical savepoint; returns the savepoint's location. */
  public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
      throws IOException, InterruptedException {
    ObjectNode req = JSON.createObjectNode();
    if (targetDirectory != null) {
      req.put("targetDirectory", targetDirectory);
    }
    req.put("drain", false);
    req.put("formatType", "CANONICAL");
    String trigger = post("/jobs/" + jobId + "/stop", req).path("request-id").asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(s.path("status").path("id").asText())) {
        JsonNode op = s.path("operation");
        if (op.has("failure-cause")) {
          throw new IOException(
              "stop-with-savepoint failed: "
                  + op.path("failure-cause").path("class").asText()
                  + ": "
                  + op.path("failure-cause")
                      .path("stack-trace")
                      .asText()
                      .lines()
                      .findFirst()
                      .orElse(""));
        }
        return op.path("location").asText();
      }
      Thread.sleep(200);
    }
    throw new IOException("stop-with-savepoint of " + jobId + " did not finish in " + timeout);
  }

  /** The job's state and whether every vertex is running. */
  public record JobState(String state, boolean allVerticesRunning) {}

  public JobState job(String jobId) throws IOException, InterruptedException {
    JsonNode j = get("/jobs/" + jobId);
    boolean all = j.path("vertices").size() > 0;
    for (JsonNode v : j.path("vertices")) {
      all &= "RUNNING".equals(v.path("status").asText());
    }
    return new JobState(j.path("state").asText(), all);
  }

  /** Waits until {@code jobId} runs on every vertex; fails fast when it fails or is cancelled. */
  public void awaitRunning(String jobId, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JobState s = null;
    while (System.nanoTime() < deadline) {
      s = job(jobId);
      if ("RUNNING".equals(s.state()) && s.allVerticesRunning()) {
        return;
      }
      if (List.of("FAILED", "CANCELED", "FINISHED").contains(s.state())) {
        throw new IOException("job " + jobId + " is " + s.state());
      }
      Thread.sleep(200);
    }
    throw new IOException("job " + jobId + " not running after " + timeout + " (" + s + ")");
  }

  /**
   * How often the job failed: the failures in the JobManager's exception history ({@code
   * /jobs/:id/exceptions}), each of which is one restart under a restart strategy. Works for
   * running and finished jobs alike.
   */
  public int failures(String jobId) throws IOException, InterruptedException {
    JsonNode e = get("/jobs/" + jobId + "/exceptions");
    int entries = e.path("exceptionHistory").path("entries").size();
    return Math.max(entries, e.path("root-exception").isTextual() ? 1 : 0);
  }

  /** Ids of the jobs in state RUNNING whose name is {@code name}. */
  public List<String> runningJobs(String name) throws IOException, InterruptedException {
    List<String> ids = new java.util.ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      if (name.equals(j.path("name").asText()) && "RUNNING".equals(j.path("state").asText())) {
        ids.add(j.path("jid").asText());
      }
    }
    return ids;
  }

  public void cancel(String jobId) throws IOException, InterruptedException {
    send(
        HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
  }

  private JsonNode send(HttpRequest.Builder req) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            req.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      JsonNode err = r.body().isBlank() ? null : JSON.readTree(r.body());
      // Flink puts whole stack traces in "errors": keep the first line and the root cause
      String first = r.body();
      if (err != null && err.has("errors")) {
        StringBuilder all = new StringBuilder();
        err.path("errors").forEach(e -> all.append(e.asText()).append('\n'));
        List<String> lines = all.toString().lines().toList();
        String cause =
            lines.stream().filter(l -> l.startsWith("Caused by:")).reduce((a, b) -> b).orElse("");
        first = lines.isEmpty() ? "" : lines.get(0) + (cause.isEmpty() ? "" : " / " + cause);
      }
      throw new IOException(
          req.build().method()
              + " "
              + req.build().uri().getPath()
              + " → "
              + r.statusCode()
              + ": "
              + first);
    }
    return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }
}
