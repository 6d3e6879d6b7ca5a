package io.tessera.tools;

import io.tessera.TesseraConfig;
import io.tessera.config.InvalidOptionException;
import io.tessera.connect.KafkaOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;
import org.slf4j.LoggerFactory;

/** The launcher's commands, behind {@code ./tessera}. */
public final class TesseraCli {
    private static final String USAGE =
            """
            Usage: ./tessera COMMAND [options]

            Commands:
              demo         run the job on an in-process Kafka and a local Flink, with shop traffic
              replay       run the job over a file of Segment messages and write what it produced
              config       list the job's options (--cdp.*), with defaults and descriptions
              definitions  validate FILE...: check definitions with the job's validator;
                           publish FILE...: write them to the control topic of a running job
              profile-api  serve profiles by id or identifier, and audience members, over HTTP
              simulator    run the Personalize Edge API simulator alone
              generate     produce the demo's shop traffic to a Kafka broker of your own
              bench        measure: bench [--quick] (the whole pipeline against a baseline), or a
                           part: identity | profile | sequences | activation | distributed |
                           profile-api
              chaos        run the job jar on real clusters twice, clean and with faults, compare
              savepoint-fixture --out DIR
                           take the small savepoint a release keeps for the compatibility test

            Run ./tessera COMMAND --help for a command's options.
            """;

    private TesseraCli() {}

    /** Runs one command; exits non-zero with a message when it cannot. */
    public static void main(String[] args) {
        PrintStream out = System.out;
        if (args.length == 0 || isHelp(args[0])) {
            out.print(USAGE);
            return;
        }
        String command = args[0];
        String caller = System.getProperty("tessera.caller.dir");
        String[] rest =
                fromCaller(
                        command,
                        Arrays.copyOfRange(args, 1, args.length),
                        caller == null ? null : java.nio.file.Path.of(caller));
        String usage =
                switch (command) {
                    case "demo" -> DemoCommand.USAGE;
                    case "replay" -> ReplayCommand.USAGE;
                    case "config" -> "Usage: ./tessera config\n";
                    case "bench" ->
                            PipelineBench.USAGE
                                    + "\n"
                                    + IdentityBench.USAGE
                                    + "\n"
                                    + ProfileBench.USAGE
                                    + "\n"
                                    + SequenceBench.USAGE
                                    + "\n"
                                    + ActivationBench.USAGE
                                    + "\n"
                                    + DistributedBench.USAGE
                                    + "\n"
                                    + ProfileApiBench.USAGE;
                    case "definitions" -> DefinitionsCommand.USAGE;
                    case "simulator" -> SimulatorCommand.USAGE;
                    case "generate" -> GenerateCommand.USAGE;
                    case "savepoint-fixture" -> SavepointFixtureCommand.USAGE;
                    case "chaos" -> ChaosCommand.USAGE;
                    case "profile-api" -> ProfileApiCommand.USAGE;
                    default -> null;
                };
        if (usage == null) {
            System.err.println("Unknown command '" + command + "'.\n");
            System.err.print(USAGE);
            System.exit(2);
        }
        if (rest.length > 0 && isHelp(rest[0])) {
            out.print(usage);
            return;
        }
        int status = 0;
        try {
            switch (command) {
                case "demo" -> DemoCommand.main(rest, out);
                case "replay" -> ReplayCommand.main(rest, out);
                case "bench" -> bench(rest, out);
                case "definitions" -> status = DefinitionsCommand.main(rest, out);
                case "simulator" -> SimulatorCommand.main(rest, out);
                case "generate" -> GenerateCommand.main(rest, out);
                case "savepoint-fixture" -> SavepointFixtureCommand.main(rest, out);
                case "chaos" -> status = ChaosCommand.main(rest, out);
                case "profile-api" -> ProfileApiCommand.main(rest);
                default -> printOptions(out);
            }
        } catch (CommandLine.UsageException | InvalidOptionException e) {
            System.err.println("tessera " + command + ": " + e.getMessage() + "\n");
            System.err.print(usage);
            System.exit(2);
        } catch (Exception e) {
            // one line for the person at the terminal; the stack trace goes to the log file
            LoggerFactory.getLogger(TesseraCli.class).warn("tessera {} failed", command, e);
            System.err.println("tessera " + command + " failed: " + causes(e));
            System.err.println(
                    "(the details are in "
                            + System.getProperty("tessera.log.file", "target/tessera.log")
                            + ")");
            System.exit(1);
        }
        // Flink and Kafka leave non-daemon threads behind; the command is done.
        System.exit(status);
    }

    /** The flags whose value is a file or directory the person names, in every command. */
    private static final java.util.Set<String> PATH_FLAGS =
            java.util.Set.of(
                    "--config",
                    "--definitions",
                    "--updates",
                    "--out",
                    "--record",
                    "--jar",
                    "--cdp.profile.definitions",
                    "--cdp.profile-api.store-dir");

    /**
     * The arguments with every relative path the person gave made absolute from the directory the
     * launcher was called in (it runs the tools from the project's root): the values of {@link
     * #PATH_FLAGS}, {@code --events} where it names a file ({@link #EVENT_FILE_COMMANDS}; the
     * benches' is a count) and the files of {@code definitions validate|publish}.
     */
    /** The commands whose {@code --events} is a file of Segment messages. */
    private static final java.util.Set<String> EVENT_FILE_COMMANDS =
            java.util.Set.of("demo", "replay");

    private static boolean isPathFlag(String command, String flag) {
        return PATH_FLAGS.contains(flag)
                || (flag.equals("--events") && EVENT_FILE_COMMANDS.contains(command));
    }

    static String[] fromCaller(String command, String[] args, java.nio.file.Path callerDir) {
        if (callerDir == null) {
            return args;
        }
        String[] resolved = args.clone();
        for (int i = 0; i < resolved.length; i++) {
            boolean pathValue = i > 0 && isPathFlag(command, resolved[i - 1]);
            boolean file =
                    command.equals("definitions")
                            && i > 0
                            && !resolved[i].startsWith("--")
                            && (i == 1 || !resolved[i - 1].startsWith("--"));
            if ((pathValue || file) && !java.nio.file.Path.of(resolved[i]).isAbsolute()) {
                resolved[i] = callerDir.resolve(resolved[i]).normalize().toString();
            }
        }
        return resolved;
    }

    /** A description as text: Flink only formats descriptions as HTML. */
    static String plain(String html) {
        return html.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /** The messages of an exception and its causes, each once. */
    static String causes(Throwable e) {
        java.util.List<String> messages = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && messages.size() < 5; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (messages.stream().noneMatch(m -> m.contains(message))) {
                messages.add(message);
            }
        }
        return String.join(": ", messages);
    }

    private static void printOptions(PrintStream out) {
        for (ConfigOption<?> option : TesseraConfig.allOptions()) {
            out.printf(
                    "--%s%n    default: %s%n    %s%n",
                    option.key(),
                    defaultOf(option),
                    plain(new HtmlFormatter().format(option.description())));
        }
    }

    private static void bench(String[] args, PrintStream out) throws Exception {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        if (args.length == 0 || args[0].startsWith("--")) {
            PipelineBench.main(args, out);
            return;
        }
        switch (args[0]) {
            case "identity" -> IdentityBench.main(rest, out);
            case "profile" -> ProfileBench.main(rest, out);
            case "sequences" -> SequenceBench.main(rest, out);
            case "activation" -> ActivationBench.main(rest, out);
            case "distributed" -> DistributedBench.main(rest, out);
            case "profile-api" -> ProfileApiBench.main(rest, out);
            default ->
                    throw new CommandLine.UsageException(
                            "bench [--quick] measures the whole pipeline; or name a part:"
                                    + " bench identity | profile | sequences | activation |"
                                    + " distributed | profile-api");
        }
    }

    private static String defaultOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return option == KafkaOptions.BOOTSTRAP_SERVERS ? "(required)" : "(none)";
        }
        Object value = option.defaultValue();
        return value instanceof Duration duration
                ? TimeUtils.formatWithHighestUnit(duration)
                : String.valueOf(value);
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}
