package io.rapport.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses DRL that reaches beyond the fact model and the journey API: a rule file is untrusted
 * input. Checks names (after comments and string literals are blanked out), imports, globals,
 * functions, type declarations, object creation and Drools' own escape hatches; caps sizes.
 */
final class RuleSandbox {
  static final int MAX_FILE_CHARS = 256 * 1024;
  static final int MAX_TOTAL_CHARS = 2 * 1024 * 1024;
  static final int MAX_FILES = 200;

  private static final Set<String> ALLOWED_IMPORTS =
      Set.of("io.rapport.rules.Customer", "io.rapport.rules.Touchpoint", "io.rapport.rules.Journey");
  private static final String ALLOWED_GLOBAL = "io.rapport.rules.Journey";
  private static final Set<String> PACKAGE_ROOTS =
      Set.of("java", "javax", "jdk", "sun", "com", "org", "net", "io", "groovy", "kotlin", "scala");
  /** Keywords and names that open a door out of the fact model. */
  private static final Set<String> REFUSED_NAMES = Set.of(
      "function", "declare", "new", "class", "getClass", "drools", "kcontext",
      "System", "Runtime", "Thread", "ThreadGroup", "ThreadLocal", "Class", "ClassLoader", "Process",
      "ProcessBuilder", "ProcessHandle", "Method", "Field", "Constructor", "Proxy", "Modifier",
      "Files", "File", "Path", "Paths", "FileSystems", "FileInputStream", "FileOutputStream",
      "FileReader", "FileWriter", "RandomAccessFile", "PrintStream", "Socket", "ServerSocket",
      "DatagramSocket", "URL", "URI", "URLClassLoader", "HttpClient", "InetAddress", "Executors",
      "ExecutorService", "ForkJoinPool", "CompletableFuture", "Timer", "ScriptEngineManager",
      "MethodHandles", "MethodHandle", "Unsafe", "SecurityManager", "ObjectInputStream",
      "InitialContext", "ModuleLayer", "StackWalker", "Compiler", "forName", "getDeclaredMethod",
      "getDeclaredMethods", "getDeclaredField", "getDeclaredFields", "getDeclaredConstructor",
      "getMethod", "getMethods", "getField", "setAccessible", "invoke", "newInstance", "exec",
      "exit", "halt", "loadLibrary", "getenv", "getProperty", "setProperty", "getProperties",
      "lookup", "getRuntime", "getClassLoader", "defineClass", "sleep", "wait", "notify");

  private static final Pattern IMPORT = Pattern.compile("(?m)^[ \\t]*import[ \\t]+(static[ \\t]+|function[ \\t]+)?([\\w.$*]+)[ \\t]*;?");
  private static final Pattern GLOBAL = Pattern.compile("(?m)^[ \\t]*global[ \\t]+([\\w.$]+)[ \\t]+(\\w+)[ \\t]*;?");
  private static final Pattern DIALECT = Pattern.compile("\\bdialect\\b");
  private static final Pattern QUALIFIED = Pattern.compile("\\b([a-z][\\w$]*)\\s*\\.\\s*([a-z][\\w$]*)\\s*\\.\\s*[\\w$]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_$][\\w$]*");
  private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u+[0-9a-fA-F]{4}");

  private RuleSandbox() {}

  static List<RuleProblem> check(Map<String, String> files) {
    List<RuleProblem> problems = new ArrayList<>();
    if (files.size() > MAX_FILES) {
      problems.add(new RuleProblem("", 0, 0, "too many rule files (" + files.size() + ", at most " + MAX_FILES + ")"));
    }
    long total = files.values().stream().mapToLong(String::length).sum();
    if (total > MAX_TOTAL_CHARS) {
      problems.add(new RuleProblem("", 0, 0, "rule files too large in total (" + total + " characters, at most " + MAX_TOTAL_CHARS + ")"));
    }
    files.forEach((file, text) -> check(file, text, problems));
    return problems;
  }

  private static void check(String file, String text, List<RuleProblem> problems) {
    if (!file.endsWith(".drl")) {
      problems.add(new RuleProblem(file, 0, 0, "a rule file's name must end in .drl"));
    }
    if (text.length() > MAX_FILE_CHARS) {
      problems.add(new RuleProblem(file, 0, 0, "file too large (" + text.length() + " characters, at most " + MAX_FILE_CHARS + ")"));
      return;
    }
    Matcher esc = UNICODE_ESCAPE.matcher(text);
    if (esc.find()) {
      refuse(file, text, esc.start(), "unicode escapes are not allowed in rules", problems);
    }
    String code = blankCommentsAndStrings(text);
    Matcher imports = IMPORT.matcher(code);
    while (imports.find()) {
      String what = imports.group(2);
      if (imports.group(1) != null) {
        refuse(file, code, imports.start(), "'import " + imports.group(1).trim() + "' is not allowed: rules use only the fact model and the journey API", problems);
      } else if (!ALLOWED_IMPORTS.contains(what)) {
        refuse(file, code, imports.start(), "import of " + what + " is not allowed: rules may import only " + ALLOWED_IMPORTS, problems);
      }
    }
    Matcher globals = GLOBAL.matcher(code);
    while (globals.find()) {
      if (!ALLOWED_GLOBAL.equals(globals.group(1)) || !RuleBook.JOURNEY_GLOBAL.equals(globals.group(2))) {
        refuse(file, code, globals.start(), "only 'global " + ALLOWED_GLOBAL + " journey' is allowed", problems);
      }
    }
    // Names inside import and global lines were checked above.
    String body = IMPORT.matcher(code).replaceAll(m -> " ".repeat(m.group().length()));
    body = GLOBAL.matcher(body).replaceAll(m -> " ".repeat(m.group().length()));
    Matcher dialect = DIALECT.matcher(body);
    if (dialect.find()) {
      refuse(file, body, dialect.start(), "'dialect' is not allowed: rules use the default dialect", problems);
    }
    Matcher qualified = QUALIFIED.matcher(body);
    while (qualified.find()) {
      if (PACKAGE_ROOTS.contains(qualified.group(1))) {
        refuse(file, body, qualified.start(), "'" + qualified.group() + "' names a class outside the fact model", problems);
      }
    }
    Matcher names = NAME.matcher(body);
    while (names.find()) {
      if (REFUSED_NAMES.contains(names.group())) {
        refuse(file, body, names.start(), "'" + names.group() + "' is not allowed in rules: use the fact model and the journey API", problems);
      }
    }
  }

  private static void refuse(String file, String text, int offset, String message, List<RuleProblem> problems) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    problems.add(new RuleProblem(file, line, offset - lineStart + 1, message));
  }

  /** Keeps line and column positions: comments and string contents become spaces. */
  static String blankCommentsAndStrings(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
        while (i < n && text.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        while (i < n && !(text.charAt(i) == '*' && i + 1 < n && text.charAt(i + 1) == '/')) {
          out.append(text.charAt(i) == '\n' ? '\n' : ' ');
          i++;
        }
        if (i < n) {
          out.append("  ");
          i += 2;
        }
      } else if (c == '"' || c == '\'') {
        char quote = c;
        out.append(quote);
        i++;
        while (i < n && text.charAt(i) != quote && text.charAt(i) != '\n') {
          if (text.charAt(i) == '\\' && i + 1 < n) {
            out.append("  ");
            i += 2;
            continue;
          }
          out.append(' ');
          i++;
        }
        if (i < n) {
          out.append(text.charAt(i));
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
