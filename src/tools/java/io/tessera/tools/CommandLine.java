package io.tessera.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one launcher command: its own {@code --name value} (and {@code --switch}) flags, and
 * the rest ({@code --config FILE}, {@code --cdp.x.y value}) kept for the job's options.
 */
final class CommandLine {
    private final Map<String, String> flags = new LinkedHashMap<>();
    private final List<String> jobArgs = new ArrayList<>();

    private CommandLine() {}

    /**
     * Splits the arguments.
     *
     * @param valued the command's flags that take a value
     * @param switches the command's flags that take none
     */
    static CommandLine parse(String[] args, Set<String> valued, Set<String> switches) {
        CommandLine line = new CommandLine();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            if (name != null && switches.contains(name)) {
                line.flags.put(name, "true");
            } else if (name != null && valued.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                line.flags.put(name, args[++i]);
            } else if (name != null && (name.equals("config") || name.startsWith("cdp."))) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                line.jobArgs.add(arg);
                line.jobArgs.add(args[++i]);
            } else {
                throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        return line;
    }

    boolean has(String flag) {
        return flags.containsKey(flag);
    }

    String get(String flag, String fallback) {
        return flags.getOrDefault(flag, fallback);
    }

    String require(String flag) {
        String value = flags.get(flag);
        if (value == null) {
            throw new UsageException("--" + flag + " is required");
        }
        return value;
    }

    int getInt(String flag, int fallback) {
        String value = flags.get(flag);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + flag + " must be a whole number, got '" + value + "'");
        }
    }

    String[] jobArgs() {
        return jobArgs.toArray(new String[0]);
    }

    /** A command line a person got wrong; the launcher prints the message and the usage. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
