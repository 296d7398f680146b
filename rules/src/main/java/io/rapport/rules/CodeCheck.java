package io.rapport.rules;

import com.github.javaparser.Position;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.expr.ArrayInitializerExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.CharLiteralExpr;
import com.github.javaparser.ast.expr.ClassExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.InstanceOfExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.SuperExpr;
import com.github.javaparser.ast.expr.SwitchExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.AssertStmt;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.BreakStmt;
import com.github.javaparser.ast.stmt.ContinueStmt;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.EmptyStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.LabeledStmt;
import com.github.javaparser.ast.stmt.LocalClassDeclarationStmt;
import com.github.javaparser.ast.stmt.LocalRecordDeclarationStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.SynchronizedStmt;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.stmt.TryStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import com.github.javaparser.ast.stmt.YieldStmt;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;
import com.github.javaparser.ast.type.Type;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Reads one condition or one consequence, parsed by JavaParser, node by node, and refuses every
 * node, name and call that is not on the {@link AllowList}: an allow-list on the structure of the
 * code, with the static type of every value known, so a call is allowed or refused by the type
 * it is made on. Not thread-safe: one check, one instance. Long because it walks every form of
 * statement and expression Java has, refusing most by name: one walk over one grammar, which two
 * classes would only cut in half.
 */
final class CodeCheck {
  /** Where the code stands in a rule: a condition reads, a consequence acts. */
  enum Place { CONDITION, CONSEQUENCE }

  private final Place place;
  private final Class<?> patternType;
  private final Map<String, Class<?>> names;
  private final ToIntFunction<Position> offsets;
  private int locals;

  /**
   * @param names the bindings in scope and their types, and journey
   * @param patternType the fact type a condition is on (its bare property and method names), or null
   * @param offsets the offset in the rule file of a position in the parsed text
   */
  CodeCheck(Place place, Map<String, Class<?>> names, Class<?> patternType, ToIntFunction<Position> offsets) {
    this.place = place;
    this.patternType = patternType;
    this.names = new HashMap<>(names);
    this.offsets = offsets;
  }

  // ---- statements (consequences) ----

  void statement(Statement s) {
    if (s instanceof BlockStmt b) {
      b.getStatements().forEach(this::statement);
    } else if (s instanceof ExpressionStmt e) {
      expressionStatement(e.getExpression());
    } else if (s instanceof IfStmt i) {
      expression(i.getCondition());
      statement(i.getThenStmt());
      i.getElseStmt().ifPresent(this::statement);
    } else if (s instanceof EmptyStmt) {
      // nothing to check
    } else if (s instanceof ReturnStmt r) {
      if (r.getExpression().isPresent()) {
        throw refusal(s, "'return' with a value is not allowed in rules");
      }
    } else {
      throw refusal(s, statementName(s) + " not allowed in rules: a rule's then part is calls to journey, if/else and local values");
    }
  }

  private static String statementName(Statement s) {
    if (s instanceof WhileStmt) {
      return "'while' loops are";
    } else if (s instanceof DoStmt) {
      return "'do' loops are";
    } else if (s instanceof ForStmt || s instanceof ForEachStmt) {
      return "'for' loops are";
    } else if (s instanceof TryStmt) {
      return "'try' is";
    } else if (s instanceof ThrowStmt) {
      return "'throw' is";
    } else if (s instanceof SynchronizedStmt) {
      return "'synchronized' is";
    } else if (s instanceof SwitchStmt) {
      return "'switch' is";
    } else if (s instanceof LabeledStmt) {
      return "labels are";
    } else if (s instanceof BreakStmt) {
      return "'break' is";
    } else if (s instanceof ContinueStmt) {
      return "'continue' is";
    } else if (s instanceof LocalClassDeclarationStmt || s instanceof LocalRecordDeclarationStmt) {
      return "local classes are";
    } else if (s instanceof AssertStmt) {
      return "'assert' is";
    } else if (s instanceof YieldStmt) {
      return "'yield' is";
    }
    return "'" + s.getClass().getSimpleName().replace("Stmt", "") + "' is";
  }

  private void expressionStatement(Expression e) {
    if (e instanceof VariableDeclarationExpr v) {
      declaration(v);
    } else if (e instanceof MethodCallExpr) {
      expression(e);
    } else {
      expression(e); // refuses what is refused anywhere, with its own message
      throw refusal(e, "'" + e + "' is not allowed in rules: a statement is a call or a local value");
    }
  }

  private void declaration(VariableDeclarationExpr v) {
    for (VariableDeclarator d : v.getVariables()) {
      if (++locals > AllowList.MAX_LOCALS) {
        throw refusal(d, "at most " + AllowList.MAX_LOCALS + " local values in a rule's then part ('" + d.getNameAsString() + "' is one more)");
      }
      Class<?> type = localType(d.getType());
      String name = d.getNameAsString();
      if (names.containsKey(name)) {
        throw refusal(d, "'" + name + "' is already a name in this rule: a local value is declared once");
      }
      Expression init = d.getInitializer()
          .orElseThrow(() -> refusal(d, "'" + name + "' needs its value where it is declared: locals are assigned once"));
      expression(init);
      names.put(name, type);
    }
  }

  private Class<?> localType(Type t) {
    if (t instanceof PrimitiveType p) {
      Class<?> c = AllowList.LOCAL_TYPES.get(p.asString());
      if (c != null) {
        return c;
      }
    } else if (t instanceof ClassOrInterfaceType c) {
      if (c.getScope().isPresent()) {
        throw refusal(t, "'" + c.asString() + "' names a class by its package: fully qualified names are not allowed in rules");
      }
      Class<?> type = AllowList.LOCAL_TYPES.get(c.getNameAsString());
      if (type != null) {
        c.getTypeArguments().ifPresent(args -> args.forEach(this::localType));
        return type;
      }
    } else if (t.isArrayType()) {
      throw refusal(t, "arrays are not allowed in rules");
    } else if (t.isVarType()) {
      throw refusal(t, "'var' is not allowed in rules: name the type (String, int, BigDecimal...)");
    }
    throw refusal(t, "a local value of type '" + t.asString() + "' is not allowed in rules: use "
        + String.join(", ", AllowList.LOCAL_TYPES.keySet().stream().sorted().toList()));
  }

  // ---- expressions ----

  /** Checks an expression and returns its static type. */
  Class<?> expression(Expression e) {
    if (e instanceof StringLiteralExpr) {
      return String.class;
    } else if (e instanceof TextBlockLiteralExpr) {
      throw refusal(e, "text blocks (\"\"\") are not allowed in rules");
    } else if (e instanceof IntegerLiteralExpr) {
      return int.class;
    } else if (e instanceof LongLiteralExpr) {
      return long.class;
    } else if (e instanceof DoubleLiteralExpr) {
      return double.class;
    } else if (e instanceof BooleanLiteralExpr) {
      return boolean.class;
    } else if (e instanceof CharLiteralExpr) {
      return char.class;
    } else if (e instanceof NullLiteralExpr) {
      return JavaTypes.NULL;
    } else if (e instanceof EnclosedExpr p) {
      return expression(p.getInner());
    } else if (e instanceof NameExpr n) {
      return name(n);
    } else if (e instanceof MethodCallExpr m) {
      return call(m);
    } else if (e instanceof FieldAccessExpr f) {
      return field(f);
    } else if (e instanceof ArrayAccessExpr a) {
      return mapAccess(a);
    } else if (e instanceof BinaryExpr b) {
      return binary(b);
    } else if (e instanceof UnaryExpr u) {
      return unary(u);
    } else if (e instanceof ConditionalExpr c) {
      expression(c.getCondition());
      return JavaTypes.common(expression(c.getThenExpr()), expression(c.getElseExpr()));
    }
    throw refusal(e, refusedExpression(e));
  }

  private static String refusedExpression(Expression e) {
    if (e instanceof ObjectCreationExpr) {
      return "'new' is not allowed in rules: use the fact model and the journey API";
    } else if (e instanceof ArrayCreationExpr || e instanceof ArrayInitializerExpr) {
      return "arrays are not allowed in rules";
    } else if (e instanceof LambdaExpr) {
      return "lambdas ('->') are not allowed in rules";
    } else if (e instanceof MethodReferenceExpr) {
      return "method references ('::') are not allowed in rules";
    } else if (e instanceof CastExpr) {
      return "casts are not allowed in rules";
    } else if (e instanceof AssignExpr a) {
      return "'" + a.getTarget() + " " + a.getOperator().asString()
          + "' is not allowed in rules: nothing is assigned, a local value is declared once with its value";
    } else if (e instanceof InstanceOfExpr) {
      return "'instanceof' is not allowed in rules";
    } else if (e instanceof ClassExpr) {
      return "'.class' is not allowed in rules";
    } else if (e instanceof ThisExpr) {
      return "'this' is not allowed in rules: bind the fact ($c : Customer()) and use the binding";
    } else if (e instanceof SuperExpr) {
      return "'super' is not allowed in rules";
    } else if (e instanceof SwitchExpr) {
      return "'switch' is not allowed in rules";
    } else if (e instanceof VariableDeclarationExpr) {
      return "a local value is declared only as a statement of its own";
    }
    return "'" + e + "' is not allowed in rules";
  }

  private Class<?> name(NameExpr n) {
    String name = n.getNameAsString();
    Class<?> known = names.get(name);
    if (known != null) {
      return known;
    }
    if (place == Place.CONDITION && patternType != null) {
      Optional<Method> getter = property(patternType, name);
      if (getter.isPresent()) {
        return getter.get().getReturnType();
      }
    }
    throw Refusal.name(offset(n), name);
  }

  /** The getter a condition means by a bare or dotted property name, if the allow-list has it. */
  private static Optional<Method> property(Class<?> type, String name) {
    if (name.isEmpty()) {
      return Optional.empty();
    }
    String cap = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    for (String getter : List.of("get" + cap, "is" + cap)) {
      if (AllowList.allows(type, getter)) {
        Optional<Method> m = JavaTypes.methods(type, getter).stream().filter(x -> x.getParameterCount() == 0).findFirst();
        if (m.isPresent()) {
          return m;
        }
      }
    }
    return Optional.empty();
  }

  private Class<?> field(FieldAccessExpr f) {
    Optional<String> qualified = qualifiedName(f);
    if (qualified.isPresent()) {
      throw refusal(f, "'" + qualified.get() + "' names a class by its package: fully qualified names are not allowed in rules");
    }
    Class<?> scope = expression(f.getScope());
    if (place == Place.CONDITION) {
      Optional<Method> getter = property(scope, f.getNameAsString());
      if (getter.isPresent()) {
        return getter.get().getReturnType();
      }
    }
    throw Refusal.name(offset(f.getName()), f.getNameAsString());
  }

  /**
   * {@code a.b.C} when an expression is only dotted names whose first is no name of the rule:
   * a class named by its package (or a static field), never a value.
   */
  private Optional<String> qualifiedName(Expression e) {
    Expression root = e;
    while (root instanceof FieldAccessExpr f) {
      root = f.getScope();
    }
    if (root instanceof NameExpr n && !names.containsKey(n.getNameAsString()) && e instanceof FieldAccessExpr
        && !(place == Place.CONDITION && patternType != null && property(patternType, n.getNameAsString()).isPresent())) {
      return Optional.of(e.toString());
    }
    return Optional.empty();
  }

  private Class<?> mapAccess(ArrayAccessExpr a) {
    if (place == Place.CONSEQUENCE) {
      throw refusal(a, "arrays are not allowed in rules: read a map with get(\"name\")");
    }
    Class<?> map = expression(a.getName());
    expression(a.getIndex());
    if (!Map.class.isAssignableFrom(map)) {
      throw refusal(a, "'[...]' reads a map (properties[\"name\"]); '" + a.getName() + "' is not one");
    }
    return Object.class;
  }

  private Class<?> call(MethodCallExpr m) {
    if (m.getTypeArguments().isPresent()) {
      throw refusal(m, "type arguments ('<...>') are not allowed in rules");
    }
    String name = m.getNameAsString();
    int at = offset(m.getName());
    Class<?> scope;
    if (m.getScope().isEmpty()) {
      if (place == Place.CONSEQUENCE || patternType == null) {
        throw Refusal.name(at, name);
      }
      scope = patternType;
    } else {
      Expression s = m.getScope().get();
      Optional<String> qualified = qualifiedName(s);
      if (qualified.isPresent()) {
        throw refusal(s, "'" + qualified.get() + "' names a class by its package: fully qualified names are not allowed in rules");
      }
      if (s instanceof NameExpr n && !isName(n.getNameAsString())) {
        return staticCall(m, n);
      }
      scope = expression(s);
    }
    if (scope.isPrimitive() || scope == JavaTypes.NULL || !AllowList.allows(scope, name)) {
      throw Refusal.name(at, name);
    }
    if (place == Place.CONDITION && Journey.class.isAssignableFrom(scope) && !AllowList.JOURNEY_IN_CONDITIONS.contains(name)) {
      throw new Refusal(at, "'" + name + "' acts on the journey: a condition may only read (journey.now, daysSince, daysAfter)");
    }
    List<Class<?>> args = new ArrayList<>();
    m.getArguments().forEach(a -> args.add(expression(a)));
    if (Journey.class.isAssignableFrom(scope)) {
      journeyValues(m, name, args);
    }
    return resolve(JavaTypes.methods(scope, name), args, m, false).getReturnType();
  }

  private boolean isName(String name) {
    return names.containsKey(name)
        || (place == Place.CONDITION && patternType != null && property(patternType, name).isPresent());
  }

  private Class<?> staticCall(MethodCallExpr m, NameExpr className) {
    String name = m.getNameAsString();
    Optional<Class<?>> known = AllowList.knownClass(className.getNameAsString());
    if (known.isEmpty()) {
      throw Refusal.name(offset(className), className.getNameAsString());
    }
    java.util.Set<String> allowed = AllowList.STATIC_METHODS.getOrDefault(known.get(), java.util.Set.of());
    if (!allowed.contains(name)) {
      throw Refusal.name(offset(m.getName()), name);
    }
    List<Class<?>> args = new ArrayList<>();
    m.getArguments().forEach(a -> args.add(expression(a)));
    return resolve(JavaTypes.methods(known.get(), name), args, m, true).getReturnType();
  }

  /**
   * What a rule hands the journey to keep (an attribute, an action's parameter) must be a plain
   * value: the journey checks the value again when the rule runs.
   */
  private void journeyValues(MethodCallExpr m, String name, List<Class<?>> args) {
    if (name.equals("with")) {
      for (int i = 1; i < args.size(); i += 2) {
        plainValue(m.getArgument(i), args.get(i));
      }
    } else if (name.equals("set") && args.size() == 3) {
      plainValue(m.getArgument(2), args.get(2));
    }
  }

  private void plainValue(Expression arg, Class<?> type) {
    if (type != JavaTypes.NULL && type != char.class && !AllowList.VALUE_TYPES.contains(type)) {
      throw refusal(arg, "'" + arg + "' is not a value a rule may keep: text, numbers, true/false, times and null only");
    }
  }

  private Class<?> binary(BinaryExpr b) {
    Class<?> left = expression(b.getLeft());
    if (b.getOperator() == BinaryExpr.Operator.EQUALS || b.getOperator() == BinaryExpr.Operator.NOT_EQUALS) {
      if (place == Place.CONDITION && b.getRight() instanceof MethodCallExpr in
          && in.getNameAsString().equals(ConditionText.IN) && in.getScope().isEmpty()) {
        in.getArguments().forEach(this::expression);
        return boolean.class;
      }
      expression(b.getRight());
      return boolean.class;
    }
    Class<?> right = expression(b.getRight());
    return switch (b.getOperator()) {
      case AND, OR -> boolean.class;
      case LESS, LESS_EQUALS, GREATER, GREATER_EQUALS -> {
        if (!(JavaTypes.numeric(left) && JavaTypes.numeric(right)) && !(JavaTypes.comparable(left) && left == right)) {
          throw refusal(b, "'" + b.getOperator().asString() + "' compares numbers, text or times");
        }
        yield Boolean.TYPE;
      }
      case PLUS -> left == String.class || right == String.class ? String.class : arithmetic(b, left, right);
      case MINUS, MULTIPLY, DIVIDE, REMAINDER -> arithmetic(b, left, right);
      default -> throw refusal(b, "'" + b.getOperator().asString() + "' is not allowed in rules");
    };
  }

  private Class<?> arithmetic(BinaryExpr b, Class<?> left, Class<?> right) {
    if (!JavaTypes.numeric(left) || !JavaTypes.numeric(right)) {
      throw refusal(b, "'" + b.getOperator().asString() + "' works on numbers (and '+' on text)");
    }
    return JavaTypes.promote(left, right);
  }

  private Class<?> unary(UnaryExpr u) {
    Class<?> t = expression(u.getExpression());
    return switch (u.getOperator()) {
      case LOGICAL_COMPLEMENT -> boolean.class;
      case MINUS, PLUS -> {
        if (!JavaTypes.numeric(t)) {
          throw refusal(u, "'" + u.getOperator().asString() + "' works on numbers");
        }
        yield t;
      }
      default -> throw refusal(u, "'" + u.getOperator().asString() + "' is not allowed in rules: nothing is assigned");
    };
  }

  /** The method a call means, or a refusal naming the values it was given. */
  private Method resolve(List<Method> candidates, List<Class<?>> args, MethodCallExpr call, boolean wantStatic) {
    return JavaTypes.resolve(candidates, args, wantStatic, place == Place.CONDITION).orElseThrow(() -> refusal(call,
        "'" + call.getNameAsString() + "' does not take these values (" + args.stream()
            .map(c -> c == JavaTypes.NULL ? "null" : c.getSimpleName()).reduce((a, b) -> a + ", " + b).orElse("") + ")"));
  }

  // ---- positions ----

  private int offset(Node n) {
    return n.getBegin().map(offsets::applyAsInt).orElse(offsets.applyAsInt(new Position(1, 1)));
  }

  private Refusal refusal(Node n, String message) {
    return new Refusal(offset(n), message);
  }
}
