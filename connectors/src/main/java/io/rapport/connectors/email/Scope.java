package io.rapport.connectors.email;

import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template may read of an action, as plain maps, lists and values only: {@code template}, {@code customerId},
 * {@code email}, {@code phone}, {@code attributes.*}, {@code params.*}, {@code unsubscribeUrl}, {@code
 * transactional}. Nothing in it has a method a template could call.
 */
final class Scope {
  private Scope() {}

  static Map<String, Object> of(ActionMessage a) {
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("template", a.template());
    scope.put("customerId", a.customerId());
    scope.put("email", a.email());
    scope.put("phone", a.phone());
    scope.put("attributes", plain(a.attributes()));
    scope.put("params", plain(a.params()));
    scope.put("unsubscribeUrl", a.unsubscribeUrl());
    scope.put("transactional", a.transactional());
    return scope;
  }

  @SuppressWarnings("unchecked")
  private static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      return plain(o.getMap());
    }
    if (value instanceof JsonArray a) {
      return plain(a.getList());
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
      return copy;
    }
    if (value instanceof List<?> l) {
      List<Object> copy = new ArrayList<>();
      l.forEach(v -> copy.add(plain(v)));
      return copy;
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return value.toString(); // anything else is read as its text, never as an object
  }
}
