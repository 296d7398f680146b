package io.rapport.rules;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a rule may use, in one place: the fact types, the methods a rule may call on each
 * type, the classes it may name, the types of its local variables. Both walls read it: the
 * check of the DRL text ({@link RuleSandbox}) and the check of the compiled classes
 * ({@link CompiledRuleCheck}). Anything not listed here is refused.
 */
final class AllowList {
  /** The classes a pattern may match, by the names a rule file uses for them. */
  static final Map<String, Class<?>> FACT_TYPES = Map.of(
      "Customer", Customer.class, "io.rapport.rules.Customer", Customer.class,
      "Touchpoint", Touchpoint.class, "io.rapport.rules.Touchpoint", Touchpoint.class);

  /** The only imports a rule file may have. */
  static final Set<String> IMPORTS =
      Set.of("io.rapport.rules.Customer", "io.rapport.rules.Touchpoint", "io.rapport.rules.Journey");

  /** The only global: the journey API, under its one name. */
  static final String GLOBAL_TYPE = "io.rapport.rules.Journey";

  /** The rule attributes a rule may have; salience only with a whole number. */
  static final Set<String> RULE_ATTRIBUTES = Set.of("salience", "no-loop");

  /** Local variables a consequence may declare: enough to name a value, too few to grow one. */
  static final int MAX_LOCALS = 5;

  /**
   * The methods a rule may call, by the type that declares them. A type also gets the methods of
   * the listed types it extends (an Integer those of Number, everything those of Object).
   * Getters only read: the facts hand out read-only views, and every change goes through journey.
   */
  static final Map<Class<?>, Set<String>> METHODS = methods();

  /** Classes a rule may name, for their static methods only. */
  static final Map<Class<?>, Set<String>> STATIC_METHODS = Map.of(Math.class, Set.of("min", "max", "abs"));

  /** The journey methods a condition may call: those that change nothing. */
  static final Set<String> JOURNEY_IN_CONDITIONS = Set.of("now", "daysSince", "daysAfter");

  /**
   * The types a consequence may declare a local variable of: java.lang's and the imported facts
   * (a rule file imports nothing else, so BigDecimal or Instant values are used where they are made).
   */
  static final Map<String, Class<?>> LOCAL_TYPES = localTypes();

  /**
   * Value types a rule may hand to {@code journey.set} and {@code journey.with}; Object stands
   * for a value whose type is only known at run time (an attribute, a property), which the
   * journey checks then.
   */
  static final Set<Class<?>> VALUE_TYPES = Set.of(
      String.class, Boolean.class, boolean.class, Integer.class, int.class, Long.class, long.class,
      Double.class, double.class, Number.class, BigDecimal.class, Instant.class, Object.class);

  private AllowList() {}

  private static Map<Class<?>, Set<String>> methods() {
    Map<Class<?>, Set<String>> m = new LinkedHashMap<>();
    m.put(Customer.class, Set.of("getId", "getStage", "getStageSince", "getOrders", "getRevenue",
        "getLastPurchaseAt", "getLastActivityAt", "getLastNps", "getComplaints", "attribute",
        "instantAttribute", "getAttributes"));
    m.put(Touchpoint.class, Set.of("getId", "getCustomerId", "getType", "getOccurredAt", "getChannel",
        "getValue", "getCurrency", "getProperties", "id", "customerId", "type", "occurredAt", "channel",
        "value", "currency", "properties", "number", "text", "daysSince", "getScore", "getRating"));
    // The journey API is the rules' own: all of it.
    m.put(Journey.class, Arrays.stream(Journey.class.getMethods()).map(Method::getName)
        .collect(Collectors.toUnmodifiableSet()));
    m.put(String.class, Set.of("length", "isEmpty", "isBlank", "startsWith", "endsWith", "contains",
        "equals", "equalsIgnoreCase", "toLowerCase", "toUpperCase", "trim", "substring", "indexOf",
        "compareTo", "toString"));
    m.put(BigDecimal.class, Set.of("compareTo", "add", "subtract", "multiply", "negate", "abs", "signum",
        "intValue", "longValue", "doubleValue", "equals", "toPlainString"));
    m.put(Instant.class, Set.of("isBefore", "isAfter", "equals", "compareTo", "toString"));
    m.put(Integer.class, Set.of("compareTo"));
    m.put(Long.class, Set.of("compareTo"));
    m.put(Double.class, Set.of("compareTo"));
    m.put(Number.class, Set.of("intValue", "longValue", "doubleValue"));
    m.put(Map.class, Set.of("get", "containsKey", "isEmpty", "size", "getOrDefault"));
    m.put(List.class, Set.of("get", "size", "isEmpty", "contains"));
    m.put(Object.class, Set.of("equals", "toString"));
    return Map.copyOf(m);
  }

  private static Map<String, Class<?>> localTypes() {
    Map<String, Class<?>> t = new LinkedHashMap<>();
    for (Class<?> c : List.of(String.class, Integer.class, Long.class, Double.class, Boolean.class,
        Number.class, Object.class, Customer.class, Touchpoint.class)) {
      t.put(c.getSimpleName(), c);
    }
    for (Class<?> c : List.of(int.class, long.class, double.class, boolean.class)) {
      t.put(c.getName(), c);
    }
    return Map.copyOf(t);
  }

  /** Whether a rule may call {@code name} on a value of static type {@code type}. */
  static boolean allows(Class<?> type, String name) {
    return declaringEntry(type, name).isPresent();
  }

  /** The listed type, {@code type} itself or one it extends, that allows {@code name}. */
  static Optional<Class<?>> declaringEntry(Class<?> type, String name) {
    if (type.isPrimitive()) {
      return Optional.empty();
    }
    return METHODS.entrySet().stream()
        .filter(e -> e.getKey().isAssignableFrom(type) && e.getValue().contains(name))
        .<Class<?>>map(Map.Entry::getKey)
        .findFirst();
  }

  /** The class a rule names by its simple name (Math, String...), for better messages. */
  static Optional<Class<?>> knownClass(String simpleName) {
    if (Math.class.getSimpleName().equals(simpleName)) {
      return Optional.of(Math.class);
    }
    return METHODS.keySet().stream().filter(c -> c.getSimpleName().equals(simpleName)).findFirst();
  }
}
