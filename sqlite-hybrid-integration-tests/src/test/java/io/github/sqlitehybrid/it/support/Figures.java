package io.github.sqlitehybrid.it.support;

/** The line each scenario prints: the starter's figures and plain Boot's for the same load, side by side. */
public final class Figures {

    private Figures() {}

    public static void print(String scenario, Object withStarter, Object plainBoot) {
        System.out.println("[stack] " + scenario + "\n    with the starter: " + withStarter + "\n    plain Boot:       "
                + plainBoot);
    }
}
