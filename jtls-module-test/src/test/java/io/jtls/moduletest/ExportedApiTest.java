package io.jtls.moduletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's exports, read from the real {@code io.jtls} module on the module path: exactly the
 * public packages, and every type that their public API mentions is one a user's module can
 * name (public, in an exported package of jtls, or in a module the user reads through jtls).
 */
class ExportedApiTest {
    private static final Module JTLS = Tls.class.getModule();
    private static final Set<String> PUBLIC_PACKAGES = Set.of("io.jtls", "io.jtls.blocking", "io.jtls.context", "io.jtls.error",
            "io.jtls.handshake", "io.jtls.x509", "io.jtls.net", "io.jtls.ocsp", "io.jtls.pki", "io.jtls.session");

    @Test
    void jtlsIsANamedModuleThatExportsThePublicPackagesOnly() {
        assertTrue(JTLS.isNamed(), "io.jtls runs as a named module, not from the class path");
        ModuleDescriptor descriptor = JTLS.getDescriptor();
        assertEquals("io.jtls", descriptor.name());
        for (ModuleDescriptor.Exports export : descriptor.exports()) {
            // The only qualified exports are the internal packages the JSSE provider module drives.
            assertTrue(!export.isQualified() || export.targets().equals(Set.of("io.jtls.jsse")),
                    "no qualified exports but to io.jtls.jsse: " + export);
        }
        assertEquals(PUBLIC_PACKAGES, descriptor.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(descriptor.opens().isEmpty(), "nothing opened for deep reflection: " + descriptor.opens());
        Set<String> internal = descriptor.packages().stream().filter(p -> !PUBLIC_PACKAGES.contains(p))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(internal.stream().allMatch(p -> p.startsWith("io.jtls.internal")),
                "every package that is not exported is under io.jtls.internal: " + internal);
        assertFalse(JTLS.isExported("io.jtls.internal.openssl", getClass().getModule()));
    }

    @Test
    void everyTypeThePublicApiMentionsIsOneAUserCanName() {
        List<String> problems = new ArrayList<>();
        List<Class<?>> apiTypes = publicClasses();
        assertTrue(apiTypes.size() > 50, "found the API: " + apiTypes.size() + " public types");
        for (Class<?> type : apiTypes) {
            String where = type.getName();
            check(type.getGenericSuperclass(), where + " extends", problems);
            for (Type i : type.getGenericInterfaces()) check(i, where + " implements", problems);
            for (Field f : type.getDeclaredFields()) {
                if (isApi(type, f)) check(f.getGenericType(), where + "." + f.getName(), problems);
            }
            for (Executable e : Stream.concat(Stream.of(type.getDeclaredConstructors()),
                    Stream.of(type.getDeclaredMethods())).toList()) {
                if (!isApi(type, e)) continue;
                String member = where + "." + (e instanceof java.lang.reflect.Constructor ? "<init>" : e.getName()) + "()";
                if (e instanceof java.lang.reflect.Method m) check(m.getGenericReturnType(), member + " returns", problems);
                for (Type p : e.getGenericParameterTypes()) check(p, member + " takes", problems);
                for (Type x : e.getGenericExceptionTypes()) check(x, member + " throws", problems);
            }
        }
        assertEquals(List.of(), problems.stream().distinct().toList());
    }

    /** The public classes (and public nested classes of those) of the exported packages. */
    private static List<Class<?>> publicClasses() {
        try (ModuleReader reader = JTLS.getLayer().configuration().findModule("io.jtls").orElseThrow()
                .reference().open(); Stream<String> names = reader.list()) {
            return names.filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> PUBLIC_PACKAGES.contains(n.substring(0, n.lastIndexOf('.'))))
                    .map(n -> Class.forName(JTLS, n))
                    .filter(c -> c != null && isVisible(c))
                    .<Class<?>>map(c -> c)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) return false;
        }
        return true;
    }

    /** Public members, and protected ones of a class a user may extend. */
    private static boolean isApi(Class<?> owner, Member member) {
        if (member.isSynthetic()) return false;
        if (member instanceof java.lang.reflect.Method m && m.isBridge()) return false;
        int mod = member.getModifiers();
        if (Modifier.isPublic(mod)) return true;
        return Modifier.isProtected(mod) && !Modifier.isFinal(owner.getModifiers()) && !owner.isSealed()
                && Stream.of(owner.getDeclaredConstructors()).anyMatch(c -> !Modifier.isPrivate(c.getModifiers()));
    }

    private static void check(Type type, String where, List<String> problems) {
        check(type, where, problems, new HashSet<>());
    }

    private static void check(Type type, String where, List<String> problems, Set<Type> seen) {
        if (type == null || !seen.add(type)) return;
        switch (type) {
            case Class<?> c when c.isArray() -> check(c.getComponentType(), where, problems, seen);
            case Class<?> c when c.isPrimitive() -> { }
            case Class<?> c -> {
                String problem = nameable(c);
                if (problem != null) problems.add(where + " " + c.getName() + ": " + problem);
            }
            case ParameterizedType p -> {
                check(p.getRawType(), where, problems, seen);
                if (p.getOwnerType() != null) check(p.getOwnerType(), where, problems, seen);
                for (Type a : p.getActualTypeArguments()) check(a, where, problems, seen);
            }
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) check(b, where, problems, seen);
                for (Type b : w.getLowerBounds()) check(b, where, problems, seen);
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) check(b, where, problems, seen);
            }
            case GenericArrayType g -> check(g.getGenericComponentType(), where, problems, seen);
            default -> problems.add(where + " " + type + ": unknown kind of type");
        }
    }

    /** Null if a module that requires only io.jtls can name {@code c}; else why not. */
    private static String nameable(Class<?> c) {
        if (!isVisible(c)) return "not public";
        Module m = c.getModule();
        if (m == JTLS) return JTLS.isExported(c.getPackageName()) ? null : "in a package io.jtls does not export";
        if (!m.isExported(c.getPackageName())) return "in a package " + m.getName() + " does not export";
        if (m.getName().equals("java.base") || readThroughJtls(m.getName())) return null;
        return "in module " + m.getName() + ", which io.jtls does not require transitively";
    }

    private static boolean readThroughJtls(String module) {
        return JTLS.getDescriptor().requires().stream()
                .anyMatch(r -> r.name().equals(module) && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    }
}
