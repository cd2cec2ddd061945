/**
 * A user's module: it requires {@code io.jtls} and nothing else, so its tests (patched in by
 * surefire) see jtls exactly as an application on the module path does. It uses
 * {@code java.security.Provider} as a service and does not require {@code io.jtls.jsse}: the JSSE
 * provider must come in by service binding alone, as for any application choosing a provider.
 */
module io.jtls.moduletest {
    requires io.jtls;
    uses java.security.Provider;
}
