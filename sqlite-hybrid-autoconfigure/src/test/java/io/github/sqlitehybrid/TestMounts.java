package io.github.sqlitehybrid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * File systems made by tests with {@code mount}: size-limited and read-only ones, for the failure cases a
 * temporary folder cannot show. Mounting needs root (or CAP_SYS_ADMIN); callers skip when it fails.
 */
public final class TestMounts implements AutoCloseable {

    private final List<Path> mounted = new ArrayList<>();

    /**
     * Mount a tmpfs.
     * @param directory an existing, empty directory
     * @param options mount options, such as {@code size=2m} or {@code ro}
     * @return {@code null} when mounted, else why not (the command's output)
     */
    public @Nullable String tmpfs(Path directory, String options) {
        return mount(directory, "mount", "-t", "tmpfs", "-o", options, "tmpfs", directory.toString());
    }

    /**
     * Make one existing file read-only, leaving its directory writable: bind it onto itself, then remount
     * the bind read-only.
     * @param file the file
     * @return {@code null} when done, else why not
     */
    public @Nullable String readOnlyFile(Path file) {
        String failure = mount(file, "mount", "--bind", file.toString(), file.toString());
        if (failure != null) {
            return failure;
        }
        return run("mount", "-o", "remount,bind,ro", file.toString());
    }

    private @Nullable String mount(Path target, String... command) {
        String failure = run(command);
        if (failure == null) {
            this.mounted.add(0, target);
        }
        return failure;
    }

    /** Unmount everything this instance mounted, the last first. */
    @Override
    public void close() {
        for (Path target : this.mounted) {
            String failure = run("umount", target.toString());
            if (failure != null) {
                // A file still open keeps the mount busy; detach it so the folder can be deleted.
                run("umount", "-l", target.toString());
            }
        }
        this.mounted.clear();
    }

    /**
     * Whether this process runs as root, where permission bits do not stop writes.
     * @return {@code true} for root
     */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static @Nullable String run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish in 60 s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return (process.exitValue() == 0)
                    ? null
                    : String.join(" ", command) + " failed (" + process.exitValue() + "): " + output;
        } catch (IOException ex) {
            return String.join(" ", command) + " could not run: " + ex;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
