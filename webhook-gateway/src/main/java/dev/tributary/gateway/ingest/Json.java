package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper of the gateway, configured for validating request bodies. */
final class Json {

  /**
   * Exact decimals (amounts are validated by their digits), no duplicate keys (a body that says
   * {@code "amount"} twice would be validated on one value and read by the job on another) and
   * nothing after the object (a body {@code {…}{…}} would be validated on the first object only).
   */
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException("a tree always serializes", e);
    }
  }

  /** The body as a JSON object, or a 400 that says why not. */
  static ObjectNode parseObject(byte[] body) {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      // Jackson's message may quote the body: do not pass it on.
      throw new ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new ApiError(400, "invalid_json", "the body must be a JSON object");
  }
}
