package io.rapport.rules;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The little of Java's typing {@link CodeCheck} needs to know which method a call means:
 * numbers and their boxes, promotion, and choosing among overloads by their conversions.
 */
final class JavaTypes {
  /** The type of the null literal. */
  static final Class<?> NULL = Null.class;

  private static final class Null {}

  private JavaTypes() {}

  static boolean numeric(Class<?> t) {
    return t == int.class || t == long.class || t == double.class || t == float.class || t == short.class
        || t == byte.class || Number.class.isAssignableFrom(t);
  }

  static boolean comparable(Class<?> t) {
    return t == String.class || t == Instant.class;
  }

  static Class<?> promote(Class<?> a, Class<?> b) {
    if (!a.isPrimitive() && !isBox(a) || !b.isPrimitive() && !isBox(b)) {
      return BigDecimal.class; // only a condition gets here: MVEL computes with BigDecimal
    }
    Class<?> pa = unbox(a);
    Class<?> pb = unbox(b);
    if (pa == double.class || pb == double.class || pa == float.class || pb == float.class) {
      return double.class;
    }
    return pa == long.class || pb == long.class ? long.class : int.class;
  }

  static Class<?> common(Class<?> a, Class<?> b) {
    if (a == b) {
      return a;
    }
    if (a == NULL) {
      return b.isPrimitive() ? box(b) : b;
    }
    if (b == NULL) {
      return a.isPrimitive() ? box(a) : a;
    }
    if (numeric(a) && numeric(b)) {
      return promote(a, b);
    }
    return Object.class;
  }

  private static final Map<Class<?>, Class<?>> BOXES = Map.of(
      int.class, Integer.class, long.class, Long.class, double.class, Double.class, boolean.class, Boolean.class,
      char.class, Character.class, float.class, Float.class, short.class, Short.class, byte.class, Byte.class);

  private static boolean isBox(Class<?> c) {
    return BOXES.containsValue(c);
  }

  private static Class<?> box(Class<?> c) {
    return BOXES.getOrDefault(c, c);
  }

  private static Class<?> unbox(Class<?> c) {
    return BOXES.entrySet().stream().filter(e -> e.getValue() == c).map(Map.Entry::getKey).findFirst().orElse(c);
  }

  /** Public methods of a type named so, Object's too for an interface; no bridges. */
  static List<Method> methods(Class<?> type, String name) {
    List<Method> found = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && !m.isBridge() && !m.isSynthetic()) {
        found.add(m);
      }
    }
    if (type.isInterface()) {
      for (Method m : Object.class.getMethods()) {
        if (m.getName().equals(name)) {
          found.add(m);
        }
      }
    }
    return found;
  }

  /** The method a call means: the applicable one that needs the fewest conversions. */
  static Optional<Method> resolve(List<Method> candidates, List<Class<?>> args, boolean wantStatic, boolean mvelNumbers) {
    Method best = null;
    int bestCost = Integer.MAX_VALUE;
    for (Method m : candidates) {
      if (Modifier.isStatic(m.getModifiers()) != wantStatic) {
        continue;
      }
      int cost = cost(m, args, mvelNumbers);
      if (cost < bestCost) {
        best = m;
        bestCost = cost;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int cost(Method m, List<Class<?>> args, boolean mvelNumbers) {
    Class<?>[] params = m.getParameterTypes();
    if (m.isVarArgs()) {
      if (args.size() < params.length - 1) {
        return Integer.MAX_VALUE;
      }
      int cost = 10;
      for (int i = 0; i < args.size(); i++) {
        Class<?> p = i < params.length - 1 ? params[i] : params[params.length - 1].getComponentType();
        int c = convert(args.get(i), p, mvelNumbers);
        if (c == Integer.MAX_VALUE) {
          return c;
        }
        cost += c;
      }
      return cost;
    }
    if (params.length != args.size()) {
      return Integer.MAX_VALUE;
    }
    int cost = 0;
    for (int i = 0; i < params.length; i++) {
      int c = convert(args.get(i), params[i], mvelNumbers);
      if (c == Integer.MAX_VALUE) {
        return c;
      }
      cost += c;
    }
    return cost;
  }

  /** How far a value of type {@code from} is from a parameter of type {@code to}; MAX_VALUE when it does not fit. */
  private static int convert(Class<?> from, Class<?> to, boolean mvelNumbers) {
    if (from == to) {
      return 0;
    }
    if (from == NULL) {
      return to.isPrimitive() ? Integer.MAX_VALUE : 1;
    }
    if (to.isPrimitive() && (from.isPrimitive() || isBox(from))) {
      Class<?> f = unbox(from);
      if (f == to) {
        return 1;
      }
      List<Class<?>> widening = List.of(byte.class, short.class, char.class, int.class, long.class, float.class, double.class);
      int fi = widening.indexOf(f);
      int ti = widening.indexOf(to);
      return fi >= 0 && ti > fi && !(f == char.class && ti < 3) ? 2 : Integer.MAX_VALUE;
    }
    Class<?> boxed = box(from);
    if (to.isAssignableFrom(boxed)) {
      return to == Object.class ? 4 : 3;
    }
    if (mvelNumbers && numeric(from) && numeric(to)) {
      return 5; // MVEL converts between numbers
    }
    return Integer.MAX_VALUE;
  }
}
