/**
 * A user's module: it requires {@code io.jtls} and nothing else, so its tests (patched in by
 * surefire) see jtls exactly as an application on the module path does.
 */
module io.jtls.moduletest {
    requires io.jtls;
}
