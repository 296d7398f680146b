package io.rapport.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The second wall: reads the classes the Java compiler made of the rules' consequences and
 * refuses any call, field, {@code new}, type or invokedynamic the {@link AllowList} does not
 * have, besides what the compiler itself writes for allowed code (boxing, string concatenation,
 * the varargs array of {@code journey.with}, a consequence method's two context casts). What
 * passed the first wall should pass this one; if it does not, the two disagree and the rules
 * are refused all the same. Conditions are MVEL, interpreted at first: the first wall covers them.
 */
final class CompiledRuleCheck {
  private static final String STRING_CONCAT = "java/lang/invoke/StringConcatFactory";
  private static final String INVOKER = "DefaultConsequenceInvoker";
  private static final Set<String> BOXES = Set.of("java/lang/Integer", "java/lang/Long", "java/lang/Double",
      "java/lang/Boolean", "java/lang/Character", "java/lang/Short", "java/lang/Byte", "java/lang/Float");
  private static final Set<String> CONTEXT_CASTS = Set.of("org/kie/api/runtime/rule/RuleContext",
      "org/drools/core/rule/consequence/KnowledgeHelper", "org/drools/core/spi/KnowledgeHelper");
  /** Glue Drools generates around a consequence: it may reach Drools, never beyond. */
  private static final List<String> GLUE_OWNERS = List.of("org/drools/", "org/kie/", "io/rapport/rules/",
      "java/lang/Object", "java/lang/String", "java/lang/Boolean", "java/lang/Integer", "java/lang/Long",
      "java/lang/Double", "java/lang/Character", "java/lang/Short", "java/lang/Byte", "java/lang/Float",
      "java/lang/Number", "java/lang/StringBuilder");

  private final Map<String, Class<?>> known = new HashMap<>();

  CompiledRuleCheck() {
    for (Class<?> c : AllowList.METHODS.keySet()) {
      known.put(Type.getInternalName(c), c);
    }
    for (Class<?> c : AllowList.STATIC_METHODS.keySet()) {
      known.put(Type.getInternalName(c), c);
    }
    for (Class<?> c : List.of(BigDecimal.class, Instant.class)) {
      known.put(Type.getInternalName(c), c);
    }
  }

  /** What a class uses that it may not, as messages; a class alone, never glue. */
  List<String> check(String className, byte[] bytes) {
    return check(className, bytes, Set.of());
  }

  /**
   * What a class uses that it may not, as messages. The compiler makes a class named like
   * {@code Rule_<name><hash>} for each rule; Drools adds its glue, that class's name and
   * {@code DefaultConsequenceInvoker}, read more loosely: it reaches Drools, never beyond.
   */
  List<String> check(String className, byte[] bytes, Set<String> classNames) {
    String simple = className.substring(className.lastIndexOf('/') + 1);
    List<String> problems = new ArrayList<>();
    if (!simple.startsWith("Rule_")) {
      problems.add("class " + className.replace('/', '.') + " is not one the compiler makes for a rule");
      return problems;
    }
    boolean glue = className.endsWith(INVOKER) && classNames.contains(className.substring(0, className.length() - INVOKER.length()));
    new ClassReader(bytes).accept(glue ? new Glue(className, problems) : new Consequence(problems),
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return problems;
  }

  private boolean allowedCall(int opcode, String owner, String name, String desc) {
    if (owner.startsWith("[")) {
      return false;
    }
    Class<?> type = known.get(owner);
    if (type != null) {
      if (opcode == Opcodes.INVOKESTATIC) {
        return AllowList.STATIC_METHODS.getOrDefault(type, Set.of()).contains(name)
            || (owner.equals("java/lang/String") && name.equals("valueOf")) // string concatenation
            || (BOXES.contains(owner) && name.equals("valueOf") && boxing(desc));
      }
      if (opcode != Opcodes.INVOKESPECIAL && AllowList.allows(type, name)) {
        return true;
      }
    }
    if (BOXES.contains(owner) && opcode == Opcodes.INVOKESTATIC && name.equals("valueOf") && boxing(desc)) {
      return true;
    }
    if (BOXES.contains(owner) && name.endsWith("Value") && Type.getArgumentTypes(desc).length == 0) {
      return true; // unboxing
    }
    return owner.equals("java/lang/StringBuilder") && Set.of("<init>", "append", "toString").contains(name);
  }

  private static boolean boxing(String desc) {
    Type[] args = Type.getArgumentTypes(desc);
    return args.length == 1 && args[0].getSort() != Type.OBJECT && args[0].getSort() != Type.ARRAY;
  }

  private static String dotted(String owner, String name) {
    return "'" + owner.replace('/', '.') + "." + name + "'";
  }

  /** A class holding consequence methods: only the allow-list. */
  private final class Consequence extends ClassVisitor {
    private final List<String> problems;

    Consequence(List<String> problems) {
      super(Opcodes.ASM9);
      this.problems = problems;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
      if (!"java/lang/Object".equals(superName) || interfaces.length > 0) {
        problems.add("the class of a rule extends or implements something");
      }
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
      boolean serial = name.equals("serialVersionUID") && descriptor.equals("J") && (access & Opcodes.ACC_STATIC) != 0;
      if (!serial) {
        problems.add("the class of a rule declares a field '" + name + "'");
      }
      return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      if (name.equals("<clinit>") || name.startsWith("lambda$")) {
        problems.add("the class of a rule has a method '" + name + "'");
        return null;
      }
      boolean constructor = name.equals("<init>");
      return new MethodVisitor(Opcodes.ASM9) {
        private final Set<Label> seen = new HashSet<>();

        @Override
        public void visitLabel(Label label) {
          seen.add(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
          if (seen.contains(label)) {
            problems.add("a loop (a jump back) is not allowed in rules");
          }
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
          problems.add("'switch' is not allowed in rules");
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
          problems.add("'switch' is not allowed in rules");
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
          problems.add("'try' is not allowed in rules");
        }

        @Override
        public void visitInsn(int opcode) {
          if (opcode == Opcodes.ATHROW || opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT) {
            problems.add("'throw' and 'synchronized' are not allowed in rules");
          }
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
          if (opcode == Opcodes.NEWARRAY) {
            problems.add("arrays are not allowed in rules");
          }
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
          problems.add("arrays are not allowed in rules");
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
          boolean allowed = switch (opcode) {
            case Opcodes.NEW -> type.equals("java/lang/StringBuilder");
            case Opcodes.ANEWARRAY -> type.equals("java/lang/Object"); // journey.with(key, value, ...)
            case Opcodes.CHECKCAST -> CONTEXT_CASTS.contains(type);
            default -> false;
          };
          if (!allowed) {
            problems.add((opcode == Opcodes.NEW ? "'new " : "'") + type.replace('/', '.') + "' is not allowed in rules");
          }
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
          problems.add(dotted(owner, name) + " is not allowed in rules: use the fact model and the journey API");
        }

        @Override
        public void visitLdcInsn(Object value) {
          if (value instanceof Type || value instanceof Handle || value instanceof ConstantDynamic) {
            problems.add("'" + value + "' is not allowed in rules");
          }
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
          boolean superConstructor = constructor && opcode == Opcodes.INVOKESPECIAL
              && owner.equals("java/lang/Object") && name.equals("<init>");
          if (!superConstructor && !allowedCall(opcode, owner, name, descriptor)) {
            problems.add(dotted(owner, name) + " is not allowed in rules: use the fact model and the journey API");
          }
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
          if (!bootstrap.getOwner().equals(STRING_CONCAT)) {
            problems.add("'" + name + "' through " + bootstrap.getOwner().replace('/', '.')
                + " (a lambda or method reference) is not allowed in rules");
          }
        }
      };
    }
  }

  /** Drools' own glue around a consequence: Drools, the facts and the rule's class only. */
  private final class Glue extends ClassVisitor {
    private final String className;
    private final List<String> problems;

    Glue(String className, List<String> problems) {
      super(Opcodes.ASM9);
      this.className = className;
      this.problems = problems;
    }

    private boolean glue(String owner) {
      String pkg = className.substring(0, className.lastIndexOf('/') + 1);
      return GLUE_OWNERS.stream().anyMatch(owner::startsWith)
          || (owner.startsWith(pkg) && owner.substring(pkg.length()).startsWith("Rule_"));
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
          if (!glue(owner)) {
            problems.add(dotted(owner, name) + " is not allowed in a rule's glue");
          }
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
          if (!glue(owner)) {
            problems.add(dotted(owner, name) + " is not allowed in a rule's glue");
          }
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
          String element = type.replaceFirst("^\\[+L?", "").replace(";", "");
          if (!glue(element) && element.contains("/")) {
            problems.add("'" + type.replace('/', '.') + "' is not allowed in a rule's glue");
          }
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
          if (!bootstrap.getOwner().equals(STRING_CONCAT)) {
            problems.add("invokedynamic is not allowed in a rule's glue");
          }
        }
      };
    }
  }
}
