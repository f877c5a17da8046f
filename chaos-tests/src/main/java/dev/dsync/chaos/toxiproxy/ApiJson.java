package dev.dsync.chaos.toxiproxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON shapes of the Toxiproxy 2.x REST API: rendering proxies and toxics, and reading request
 * bodies with the same defaults and 400s as Toxiproxy.
 */
final class ApiJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ApiJson() {}

  /** A proxy with its toxics: {name, listen, upstream, enabled, toxics: [...]}. */
  static ObjectNode proxy(ToxicProxy proxy) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", proxy.name());
    node.put("listen", proxy.listen());
    node.put("upstream", proxy.upstream());
    node.put("enabled", proxy.enabled());
    node.set("toxics", toxics(proxy.toxics()));
    return node;
  }

  static ArrayNode toxics(List<ToxicSpec> specs) {
    ArrayNode array = MAPPER.createArrayNode();
    specs.forEach(spec -> array.add(toxic(spec)));
    return array;
  }

  /** A toxic: {attributes: {...}, name, type, stream, toxicity}. */
  static ObjectNode toxic(ToxicSpec spec) {
    ObjectNode node = MAPPER.createObjectNode();
    ObjectNode attributes = node.putObject("attributes");
    spec.attributes().forEach(attributes::put);
    node.put("name", spec.name());
    node.put("type", spec.type().wireName());
    node.put("stream", spec.stream().wireName());
    node.put("toxicity", spec.toxicity());
    return node;
  }

  static ObjectNode error(ApiException error) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("error", error.getMessage());
    node.put("status", error.status());
    return node;
  }

  /** Parses a request body; an empty or malformed one is a 400, as Go's decoder makes it. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("EOF");
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  static JsonNode object(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("expected a JSON object");
    }
    return node;
  }

  /** POST /proxies body; {@code enabled} defaults to true. */
  static ProxyRegistry.ProxyConfig proxyConfig(JsonNode body) {
    object(body);
    return new ProxyRegistry.ProxyConfig(
        text(body, "name", null),
        text(body, "listen", null),
        text(body, "upstream", null),
        bool(body, "enabled", true));
  }

  /** POST /populate body: a JSON array of proxy configs. */
  static List<ProxyRegistry.ProxyConfig> proxyConfigs(JsonNode body) {
    if (!body.isArray()) {
      throw ApiException.badRequest("expected a JSON array of proxies");
    }
    List<ProxyRegistry.ProxyConfig> configs = new ArrayList<>();
    body.forEach(item -> configs.add(proxyConfig(item)));
    return configs;
  }

  static String text(JsonNode body, String field, String fallback) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest(field + " must be a string");
    }
    return value.asText();
  }

  static boolean bool(JsonNode body, String field, boolean fallback) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw ApiException.badRequest(field + " must be a boolean");
    }
    return value.asBoolean();
  }

  /** The toxicity field, or null when absent. */
  static Float toxicity(JsonNode body) {
    JsonNode value = body.get("toxicity");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw ApiException.badRequest("toxicity must be a number");
    }
    return value.floatValue();
  }

  /**
   * The known attributes of {@code type} present under "attributes" (others are ignored, as Go's
   * decoder does). Values must be non-negative integers.
   */
  static Map<String, Long> attributes(JsonNode body, ToxicType type) {
    Map<String, Long> result = new LinkedHashMap<>();
    JsonNode attributes = body.get("attributes");
    if (attributes == null || attributes.isNull()) {
      return result;
    }
    if (!attributes.isObject()) {
      throw ApiException.badRequest("attributes must be an object");
    }
    for (String name : type.attributeNames()) {
      JsonNode value = attributes.get(name);
      if (value == null || value.isNull()) {
        continue;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw ApiException.badRequest("attribute " + name + " must be an integer");
      }
      if (value.longValue() < 0) {
        throw ApiException.badRequest("attribute " + name + " must not be negative");
      }
      result.put(name, value.longValue());
    }
    return result;
  }
}
