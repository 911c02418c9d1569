package palmbid.ffi

import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit

/**
 * One run of the bid toolbox, `palmbid toolbox ... login|sign|encrypt|decrypt`
 * (the real command line, crate `cli/`), as a child process. With standard
 * output not a terminal it prints `number: NN` once (login) and a
 * `qr: URL` line for every frame, one a second, while it waits for the
 * phone. The binary comes from the `palmbid.cli.bin` system property (set
 * by run.sh). Messages are English (`LC_ALL`), so tests can read them.
 */
class ToolboxRun private constructor(private val process: Process, private val stderrFile: Path) : AutoCloseable {
    private val lines = CopyOnWriteArrayList<String>()
    private val reader = Thread {
        process.inputStream.bufferedReader(UTF_8).useLines { all -> all.forEach { lines.add(it) } }
    }.apply {
        isDaemon = true
        start()
    }
    private val stopOnExit = Thread { process.destroyForcibly() }

    init {
        // Should the JVM die before the test's finally, the toolbox goes too.
        Runtime.getRuntime().addShutdownHook(stopOnExit)
    }

    /** Everything printed on standard output so far. */
    val stdout: String get() = lines.joinToString("\n")

    /** Everything printed on standard error so far. */
    val stderr: String get() = Files.readString(stderrFile)

    /**
     * The newest `qr:` URL, printed after this call began, so the frame is
     * at most about a second old when scanned (the platform refuses frames
     * older than 5 seconds).
     */
    fun freshQr(timeoutSeconds: Long = 60): String {
        val seen = lines.size
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds)
        while (System.nanoTime() < deadline) {
            val newest = lines.drop(seen).lastOrNull { it.startsWith(QR_PREFIX) }
            if (newest != null) return newest.removePrefix(QR_PREFIX).trim()
            check(process.isAlive || lines.size > seen) { "the toolbox exited without a QR code:\n$stdout\n$stderr" }
            Thread.sleep(POLL_MILLIS)
        }
        error("the toolbox printed no QR code in $timeoutSeconds s:\n$stdout\n$stderr")
    }

    /** The number the toolbox shows for login matching. */
    fun matchNumber(timeoutSeconds: Long = 60): Int {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds)
        while (System.nanoTime() < deadline) {
            lines.firstOrNull { it.startsWith(NUMBER_PREFIX) }?.let { return it.removePrefix(NUMBER_PREFIX).trim().toInt() }
            check(process.isAlive) { "the toolbox exited without a number:\n$stdout\n$stderr" }
            Thread.sleep(POLL_MILLIS)
        }
        error("the toolbox printed no number in $timeoutSeconds s:\n$stdout\n$stderr")
    }

    /** Waits for the toolbox to end and returns its exit status. */
    fun exitStatus(timeoutSeconds: Long = 60): Int {
        check(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            "the toolbox is still waiting after $timeoutSeconds s:\n$stdout\n$stderr"
        }
        reader.join(TimeUnit.SECONDS.toMillis(5))
        return process.exitValue()
    }

    /** Kills the toolbox if it still runs. */
    override fun close() {
        if (process.isAlive) {
            process.destroy()
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS)
        }
        runCatching { Runtime.getRuntime().removeShutdownHook(stopOnExit) }
    }

    companion object {
        private const val QR_PREFIX = "qr: "
        private const val NUMBER_PREFIX = "number: "
        private const val POLL_MILLIS = 50L

        /**
         * Starts `palmbid toolbox --platform [platformUrl] --ca [root]
         * --machine [machine] ACTION...` with [action] its subcommand and
         * arguments.
         */
        fun start(platformUrl: String, root: Path, machine: String, action: List<String>, work: Path): ToolboxRun {
            val bin = System.getProperty("palmbid.cli.bin")
                ?: error("system property palmbid.cli.bin is not set; run tests/kotlin/run.sh")
            check(Files.isExecutable(Path.of(bin))) { "$bin is not an executable; run tests/kotlin/run.sh, which builds it" }
            val stderr = Files.createTempFile(work, "toolbox-", ".err")
            val builder = ProcessBuilder(
                listOf(bin, "toolbox", "--platform", platformUrl, "--ca", root.toString(), "--machine", machine) + action,
            ).redirectError(stderr.toFile())
            builder.environment().apply {
                put("LC_ALL", "en_US.UTF-8")
                put("PALMBID_HOME", work.resolve("toolbox-home").toString())
            }
            return ToolboxRun(builder.start(), stderr)
        }
    }
}
