package io.rapport.rules;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Position;
import com.github.javaparser.Problem;
import com.github.javaparser.TokenRange;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.AndDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.CollectDescr;
import org.drools.drl.ast.descr.ConditionalBranchDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.EntryPointDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExistsDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.ForallDescr;
import org.drools.drl.ast.descr.FromDescr;
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.FunctionImportDescr;
import org.drools.drl.ast.descr.GlobalDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.NamedConsequenceDescr;
import org.drools.drl.ast.descr.NotDescr;
import org.drools.drl.ast.descr.OrDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.PatternSourceDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.ast.descr.WindowReferenceDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsError;
import org.drools.drl.parser.DroolsParserException;
import org.drools.drl.parser.ParserError;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * Checks one rule file on its structure: parsed by Drools' own DRL parser, then every import,
 * global, attribute, pattern, condition and consequence held against the {@link AllowList}.
 * Conditions and consequences are parsed again, by JavaParser, and read by {@link CodeCheck}.
 */
final class RuleFileCheck {
  private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\+u");
  /** Rule files live in the rapport package or under it, as their folder does. */
  private static final Pattern PACKAGE = Pattern.compile("rapport(\\.[a-z][a-z0-9_]*)*");
  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d{1,9}");
  private static final String USE_FACTS = ": use the fact model and the journey API";

  private final String file;
  private final FilePositions text;
  private final List<RuleProblem> problems = new ArrayList<>();
  private final JavaParser javaParser = new JavaParser(
      new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));

  private RuleFileCheck(String file, String text) {
    this.file = file;
    this.text = new FilePositions(text);
  }

  static List<RuleProblem> check(String file, String text) {
    RuleFileCheck check = new RuleFileCheck(file, text);
    check.run();
    return check.problems;
  }

  private void run() {
    // Java reads \\u escapes before anything else, anywhere: in strings and comments too.
    Matcher escape = UNICODE_ESCAPE.matcher(text.text());
    if (escape.find()) {
      refuse(escape.start(), "unicode escapes ('\\u') are not allowed in rules: write the character itself");
      return;
    }
    DrlParser parser = new DrlParser(LanguageLevelOption.DRL6);
    PackageDescr pkg;
    try {
      pkg = parser.parse(false, text.text());
    } catch (DroolsParserException e) {
      refuse(0, "the file does not parse: " + e.getMessage());
      return;
    }
    if (parser.hasErrors() || pkg == null) {
      for (DroolsError e : parser.getErrors()) {
        parseError(e);
      }
      if (problems.isEmpty()) {
        refuse(0, "the file does not parse");
      }
      return;
    }
    packageLevel(pkg);
    for (RuleDescr rule : pkg.getRules()) {
      rule(rule);
    }
  }

  private void parseError(DroolsError e) {
    if (e instanceof ParserError p && p.getRow() > 0) {
      refuse(text.offset(p.getRow(), p.getCol(), 0), e.getMessage());
    } else {
      refuse(0, e.getMessage());
    }
  }

  // ---- the file ----

  private void packageLevel(PackageDescr pkg) {
    if (pkg.getName() != null && !pkg.getName().isEmpty() && !PACKAGE.matcher(pkg.getName()).matches()) {
      Matcher at = Pattern.compile("(?m)^[ \\t]*package[ \\t]+" + Pattern.quote(pkg.getName())).matcher(text.text());
      refuse(at.find() ? at.start() : 0, "package '" + pkg.getName() + "' is not allowed: rule files belong to 'rapport' or a package under it, like their folder");
    }
    if (pkg.getUnit() != null) {
      refuse(pkg.getUnit(), "'unit' is not allowed in rules");
    }
    for (AttributeDescr a : pkg.getAttributes()) {
      refuse(a, "'" + a.getName() + "' is not allowed in rules: a file has only its package, imports, the journey global and rules");
    }
    for (ImportDescr i : pkg.getImports()) {
      if (!AllowList.IMPORTS.contains(i.getTarget())) {
        refuse(i, "import of " + i.getTarget() + " is not allowed: rules may import only " + String.join(", ", AllowList.IMPORTS.stream().sorted().toList()));
      }
    }
    for (FunctionImportDescr i : pkg.getFunctionImports()) {
      refuse(i, "'import static' and 'import function' are not allowed in rules" + USE_FACTS);
    }
    pkg.getAccumulateImports().forEach(i -> refuse(i, "'import accumulate' is not allowed in rules"));
    for (GlobalDescr g : pkg.getGlobals()) {
      boolean journeyType = AllowList.GLOBAL_TYPE.equals(g.getType()) || "Journey".equals(g.getType());
      if (!journeyType || !RuleBook.JOURNEY_GLOBAL.equals(g.getIdentifier())) {
        refuse(g, "global " + g.getType() + " " + g.getIdentifier() + " is not allowed: only 'global " + AllowList.GLOBAL_TYPE + " journey'");
      }
    }
    for (FunctionDescr f : pkg.getFunctions()) {
      refuse(f, "'function' is not allowed in rules" + USE_FACTS);
    }
    pkg.getTypeDeclarations().forEach(d -> refuse(d, "'declare' is not allowed in rules: the fact model is Customer and Touchpoint"));
    pkg.getEnumDeclarations().forEach(d -> refuse(d, "'declare enum' is not allowed in rules"));
    pkg.getEntryPointDeclarations().forEach(d -> refuse(d, "'declare entry-point' is not allowed in rules"));
    pkg.getWindowDeclarations().forEach(d -> refuse(d, "'declare window' is not allowed in rules"));
  }

  // ---- a rule ----

  private void rule(RuleDescr rule) {
    if (rule.isQuery()) {
      refuse(rule, "'query' is not allowed in rules");
      return;
    }
    if (rule.getParentName() != null) {
      refuse(rule, "'extends' is not allowed in rules: each rule says all its conditions");
    }
    if (!rule.getAnnotations().isEmpty()) {
      refuse(rule, "annotations ('@" + rule.getAnnotationNames().iterator().next() + "') are not allowed in rules");
    }
    for (AttributeDescr a : rule.getAttributes().values()) {
      attribute(a);
    }
    if (!rule.getNamedConsequences().isEmpty()) {
      refuse(rule, "named consequences ('then[...]', 'do[...]') are not allowed in rules");
    }
    Map<String, Class<?>> names = new LinkedHashMap<>();
    names.put(RuleBook.JOURNEY_GLOBAL, Journey.class);
    int before = problems.size();
    element(rule.getLhs(), names);
    if (problems.size() == before && rule.getConsequence() instanceof String then) {
      consequence(rule, then, names);
    }
  }

  private void attribute(AttributeDescr a) {
    if (!AllowList.RULE_ATTRIBUTES.contains(a.getName())) {
      refuse(a, "'" + a.getName() + "' is not allowed in rules: a rule may have only salience (a whole number) and no-loop");
    } else if (a.getName().equals("salience") && !WHOLE_NUMBER.matcher(a.getValue().trim()).matches()) {
      refuse(a, "salience must be a whole number in rules, not '" + a.getValue() + "'");
    } else if (a.getName().equals("no-loop") && !List.of("true", "false").contains(a.getValue().trim())) {
      refuse(a, "no-loop is true or false, not '" + a.getValue() + "'");
    }
  }

  /** A part of the when: patterns of the facts, joined by and/or, under not/exists/forall. */
  private void element(BaseDescr d, Map<String, Class<?>> names) {
    if (d instanceof PatternDescr p) {
      pattern(p, names);
    } else if (d instanceof AndDescr || d instanceof OrDescr) {
      for (BaseDescr child : ((ConditionalElementDescr) d).getDescrs()) {
        element(child, names);
      }
    } else if (d instanceof NotDescr || d instanceof ExistsDescr || d instanceof ForallDescr) {
      // what is bound inside stays inside
      Map<String, Class<?>> inner = new LinkedHashMap<>(names);
      for (BaseDescr child : ((ConditionalElementDescr) d).getDescrs()) {
        element(child, inner);
      }
    } else {
      refuse(d, refusedElement(d) + " is not allowed in rules: a condition is a pattern of Customer or Touchpoint");
    }
  }

  private static String refusedElement(BaseDescr d) {
    if (d instanceof EvalDescr) {
      return "'eval'";
    } else if (d instanceof AccumulateDescr) {
      return "'accumulate'";
    } else if (d instanceof CollectDescr) {
      return "'collect'";
    } else if (d instanceof FromDescr) {
      return "'from'";
    } else if (d instanceof ConditionalBranchDescr) {
      return "'if (...) do[...]'";
    } else if (d instanceof NamedConsequenceDescr) {
      return "'do[...]'";
    }
    return "'" + d.getClass().getSimpleName().replace("Descr", "").toLowerCase(java.util.Locale.ROOT) + "'";
  }

  private void pattern(PatternDescr p, Map<String, Class<?>> names) {
    PatternSourceDescr source = p.getSource();
    if (source != null) {
      refuse(source.getLine() > 0 ? source : p, sourceName(source) + " is not allowed in rules: a pattern matches the facts being decided");
      return;
    }
    if (p.isQuery()) {
      refuse(p, "queries are not allowed in rules");
      return;
    }
    if (!p.getBehaviors().isEmpty()) {
      refuse(p, "'over window' is not allowed in rules");
      return;
    }
    if (!p.getAnnotations().isEmpty()) {
      refuse(p, "annotations ('@" + p.getAnnotationNames().iterator().next() + "') are not allowed in rules");
      return;
    }
    if (p.isUnification()) {
      refuse(p, "unification (':=') is not allowed in rules: bind with ':'");
      return;
    }
    Class<?> type = AllowList.FACT_TYPES.get(p.getObjectType());
    if (type == null) {
      refuse(p, "'" + p.getObjectType() + "' is not a fact type: a pattern matches only Customer or Touchpoint");
      return;
    }
    for (BaseDescr c : p.getConstraint().getDescrs()) {
      if (!(c instanceof ExprConstraintDescr e) || e.getType() != ExprConstraintDescr.Type.NAMED) {
        refuse(c, "positional conditions are not allowed in rules: name the property (type == \"purchase\")");
        continue;
      }
      condition(e, type, names);
    }
    if (p.getIdentifier() != null) {
      names.put(p.getIdentifier(), type);
    }
  }

  private static String sourceName(PatternSourceDescr s) {
    if (s instanceof AccumulateDescr) {
      return "'accumulate'";
    } else if (s instanceof CollectDescr) {
      return "'collect'";
    } else if (s instanceof EntryPointDescr) {
      return "'from entry-point'";
    } else if (s instanceof WindowReferenceDescr) {
      return "'from window'";
    }
    return "'from'";
  }

  private void condition(ExprConstraintDescr c, Class<?> type, Map<String, Class<?>> names) {
    String mvel = c.getExpression();
    int hint = c.getStartCharacter() >= 0 ? c.getStartCharacter() : text.offset(c.getLine(), c.getColumn(), 0);
    int start = text.find(mvel, hint);
    if (start < 0) {
      refuse(c, "this condition is not written in a form rules may use: '" + mvel.strip() + "'");
      return;
    }
    ConditionText condition = javaForm(mvel, start);
    if (condition == null) {
      return;
    }
    try {
      ParseResult<Expression> parsed = javaParser.parseExpression(condition.java());
      FilePositions javaText = new FilePositions(condition.java());
      java.util.function.ToIntFunction<Position> offsets =
          pos -> start + condition.originalOffset(javaText.offset(pos.line, pos.column, 1));
      if (!parsed.isSuccessful() || parsed.getResult().isEmpty()) {
        throw notParsed(parsed.getProblems(), offsets, "condition");
      }
      Expression e = parsed.getResult().get();
      CodeCheck check = new CodeCheck(CodeCheck.Place.CONDITION, names, type, offsets);
      Class<?> result = check.expression(e);
      // MVEL, not Java, reads a condition at run time: nothing may hide where the two might differ
      if (parsed.getCommentsCollection().map(cc -> !cc.getComments().isEmpty()).orElse(false)) {
        throw new Refusal(start, "comments are not allowed inside a condition: put them on a line of their own");
      }
      if (condition.binding() != null) {
        bind(condition, start, e, check, result, names);
      }
    } catch (Refusal r) {
      refuse(r.offset(), r.getMessage());
    }
  }

  private ConditionText javaForm(String mvel, int start) {
    try {
      return ConditionText.of(mvel);
    } catch (Refusal r) {
      refuse(start + r.offset(), r.getMessage());
      return null;
    }
  }

  /** {@code $v : value} binds the value; {@code $v : value > 3} binds it and tests it. */
  private void bind(ConditionText condition, int start, Expression e, CodeCheck check, Class<?> type,
      Map<String, Class<?>> names) {
    String name = condition.binding();
    if (names.containsKey(name)) {
      throw new Refusal(start + condition.bindingOffset(), "'" + name + "' is already a name in this rule");
    }
    Class<?> bound = type;
    if (e instanceof BinaryExpr b && b.getOperator() != BinaryExpr.Operator.AND && b.getOperator() != BinaryExpr.Operator.OR) {
      bound = check.expression(b.getLeft());
    }
    names.put(name, bound);
  }

  private void consequence(RuleDescr rule, String then, Map<String, Class<?>> names) {
    if (then.isBlank()) {
      return;
    }
    int thenKeyword = text.offset(rule.getConsequenceLine(), rule.getConsequencePattern(), 0);
    int found = text.find(then, thenKeyword);
    int start = found >= 0 ? found : thenKeyword;
    FilePositions chunk = new FilePositions(then);
    // The consequence on lines of its own, so a comment on its last line ends with it.
    ParseResult<BlockStmt> parsed = javaParser.parseBlock("{\n" + then + "\n}");
    java.util.function.ToIntFunction<Position> offsets =
        pos -> start + chunk.offset(pos.line - 1, pos.column, 1);
    try {
      if (!parsed.isSuccessful() || parsed.getResult().isEmpty()) {
        throw notParsed(parsed.getProblems(), offsets, "then part");
      }
      new CodeCheck(CodeCheck.Place.CONSEQUENCE, names, null, offsets).statement(parsed.getResult().get());
    } catch (Refusal r) {
      refuse(r.offset(), r.getMessage());
    }
  }

  private static Refusal notParsed(List<Problem> problems, java.util.function.ToIntFunction<Position> offsets, String what) {
    Problem first = problems.isEmpty() ? null : problems.get(0);
    int at = first == null ? offsets.applyAsInt(new Position(1, 1))
        : first.getLocation().flatMap(TokenRange::toRange).map(r -> offsets.applyAsInt(r.begin))
            .orElse(offsets.applyAsInt(new Position(1, 1)));
    String why = first == null ? "" : ": " + first.getMessage().lines().findFirst().orElse("");
    return new Refusal(at, "this " + what + " is not Java that rules may use" + why);
  }

  // ---- problems ----

  private void refuse(BaseDescr d, String message) {
    int at = d.getStartCharacter() >= 0 ? d.getStartCharacter() : text.offset(d.getLine(), d.getColumn(), 0);
    refuse(at, message);
  }

  private void refuse(int offset, String message) {
    problems.add(text.problem(file, offset, message));
  }
}
