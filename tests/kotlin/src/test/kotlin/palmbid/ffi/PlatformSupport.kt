package palmbid.ffi

import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/**
 * The reference platform, `palmbid-platform serve`, as a child process on a
 * free loopback port, with identity verification approved at once
 * (`--dev-auto-approve`). The binary comes from the `palmbid.platform.bin`
 * system property (set by run.sh). Its log goes to `platform.log` in its
 * data folder; the development SMS gateway writes codes there too.
 *
 * The operator's side is driven as a browser would: form posts to the
 * console with java.net.http, which does not follow redirects, so each
 * post's 303 and its `Location` are seen.
 */
class TestPlatform private constructor(
    private val process: Process,
    val data: Path,
    /** `http://127.0.0.1:PORT/`, as the platform printed it. */
    val baseUrl: String,
) : AutoCloseable {
    private val http = HttpClient.newHttpClient()
    private val stopOnExit = Thread { process.destroyForcibly() }

    init {
        // Should the JVM die without @AfterAll, the platform goes with it.
        Runtime.getRuntime().addShutdownHook(stopOnExit)
    }

    val log: Path get() = data.resolve("platform.log")

    /** The port the platform listens on. */
    val port: Int get() = URI(baseUrl).port

    /** Reads the last login code the development SMS gateway wrote for [phone]. */
    fun smsCode(phone: String): String = Files.readString(data.resolve("sms").resolve("$phone.txt")).trim()

    /** Enters a certificate order on the console; returns its page path. */
    fun enterOrder(name: String, phone: String, company: String, creditCode: String, seals: List<String>): String {
        val fields = listOf("name" to name, "phone" to phone, "company" to company, "credit_code" to creditCode) +
            seals.map { "seal_$it" to "on" }
        val response = post("/console/orders", fields)
        check(response.statusCode() == 303) { "order not entered: HTTP ${response.statusCode()}: ${response.body()}" }
        return response.headers().firstValue("location").orElseThrow()
    }

    /** Approves the order at [orderPage], as the operator's button does. */
    fun approve(orderPage: String) {
        val response = post("$orderPage/approve", emptyList())
        check(response.statusCode() == 303) { "order not approved: HTTP ${response.statusCode()}" }
    }

    /** Reads the pickup URL the order page shows under its QR code. */
    fun pickupUrl(orderPage: String): String {
        val page = get(orderPage)
        check(page.contains("<svg")) { "the order page draws no QR code" }
        val match = Regex("""<code id="pickup-url">([^<]+)</code>""").find(page)
            ?: error("the order page shows no pickup URL")
        return match.groupValues[1]
    }

    /**
     * Reads the device attestation the order page shows: the `#attestation`
     * element's opening tag (its `data-result`, `data-security-level` and
     * `data-root-trusted`) and text.
     */
    fun attestationShown(orderPage: String): String =
        Regex("""<span id="attestation"[^>]*>[^<]*(?:<code>[^<]*</code>[^<]*)?""").find(get(orderPage))?.value
            ?: error("the order page shows no device attestation")

    /** Reads the order's state, as its page's live status does. */
    fun orderState(orderPage: String): String {
        val json = get("$orderPage/status")
        return Regex(""""state"\s*:\s*"([a-z_]+)"""").find(json)?.groupValues?.get(1)
            ?: error("no state in $json")
    }

    /** Registers a company in the platform's entity registry (主体库). */
    /**
     * A phone holding a certificate pair of [company] ([creditCode]): opens a keystore in [home]
     * and an account on it, trusts this platform as [platformName], logs in as [phone], passes
     * identity verification as [name], then picks up and downloads the pair under [pin].
     */
    suspend fun holder(
        home: Path,
        platformName: String,
        phone: String,
        name: String,
        idNumber: String,
        company: String,
        creditCode: String,
        pin: String,
    ): Pair<Keystore, Account> {
        val keystore = Keystore.openForTesting(home.toString(), AesGcmDeviceBinding(), TEST_KDF)
        val account = Account.open(keystore)
        account.addPlatform(platformName, baseUrl)
        val sent = account.requestLoginCode(platformName, phone)
        account.login(platformName, phone, smsCode(phone), sent.terms)
        val identityCode = account.requestIdentityCode(platformName)
        account.submitIdentity(platformName, name, idNumber, identityCode.code, "video".toByteArray())
        registerCompany(company, creditCode)
        val order = enterOrder(name, phone, company, creditCode, listOf("personal"))
        approve(order)
        val scanned = account.scanCode(pickupUrl(order))
        check(scanned is ScannedCode.Pickup) { "a pickup code scanned as $scanned" }
        account.pickUp(scanned.pickup, pin)
        account.download(platformName, scanned.pickup.pickupId, pin)
        return keystore to account
    }

    fun registerCompany(company: String, creditCode: String) {
        val response = post("/console/registry", listOf("company" to company, "credit_code" to creditCode))
        check(response.statusCode() == 303) { "company not registered: HTTP ${response.statusCode()}" }
    }

    /**
     * Enters a hall project opening [minutesAhead] minutes from now (UTC,
     * to the minute, as the console form takes it) with one section and
     * the bidders given as credit code and company name; returns its id,
     * read from the console's project list.
     */
    fun createHallProject(name: String, minutesAhead: Long, bidders: List<Pair<String, String>>): String {
        val opening = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
            .plusMinutes(minutesAhead)
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"))
        val lines = bidders.joinToString("\n") { (code, company) -> "$code $company" }
        val response = post(
            "/console/hall",
            listOf("name" to name, "opening" to opening, "section" to "第一标段", "bidders" to lines),
        )
        check(response.statusCode() == 303) { "project not entered: HTTP ${response.statusCode()}: ${response.body()}" }
        val page = get("/console/hall")
        return Regex("""<tr data-project="([0-9a-f]{32})"[^>]*>((?:(?!</tr>).)*)</tr>""", RegexOption.DOT_MATCHES_ALL)
            .findAll(page)
            .firstOrNull { it.groupValues[2].contains(name) }
            ?.groupValues?.get(1)
            ?: error("the console does not list project $name")
    }

    /**
     * Enters a hall project as [createHallProject] does, with the optional
     * details of the console's form ([details]: `code`, `tenderer`,
     * `agent`, `place`, `notes`).
     */
    fun createHallProjectWithDetails(
        name: String,
        minutesAhead: Long,
        bidders: List<Pair<String, String>>,
        details: List<Pair<String, String>>,
    ): String {
        val opening = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
            .plusMinutes(minutesAhead)
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"))
        val lines = bidders.joinToString("\n") { (code, company) -> "$code $company" }
        val fields = listOf("name" to name, "opening" to opening, "section" to "第一标段", "bidders" to lines) + details
        val response = post("/console/hall", fields)
        check(response.statusCode() == 303) { "project not entered: HTTP ${response.statusCode()}: ${response.body()}" }
        val row = get("/console/hall").split("<tr data-project=\"").drop(1)
            .firstOrNull { it.substringBefore("</tr>").contains(name) } ?: error("project $name not listed")
        return row.substringBefore('"')
    }

    /** Answers challenge [challenge] of project [id] on the console, as the agent's form does. */
    fun answerChallenge(id: String, challenge: String, answer: String) {
        val response = post("/console/hall/$id/challenges/$challenge/answer", listOf("answer" to answer))
        check(response.statusCode() == 303) { "answer refused: HTTP ${response.statusCode()}: ${response.body()}" }
    }

    /** Moves hall project [id] to [phase] (its wire name), as the agent's button does. */
    fun moveHall(id: String, phase: String) {
        val response = post("/console/hall/$id/phase", listOf("phase" to phase))
        check(response.statusCode() == 303) { "phase $phase refused: HTTP ${response.statusCode()}: ${response.body()}" }
    }

    /**
     * Opens the next quote round of [section] in project [id] on the
     * experts' console, with a deadline [deadlineMinutes] from now when given.
     */
    fun openRound(id: String, section: Int, deadlineMinutes: Int? = null) {
        val fields = listOf("section" to section.toString(), "deadline_minutes" to (deadlineMinutes?.toString() ?: ""))
        experts("/console/experts/$id/rounds/open", fields)
    }

    /** Closes the open quote round of [section] in project [id] on the experts' console. */
    fun closeRound(id: String, section: Int) {
        experts("/console/experts/$id/rounds/close", listOf("section" to section.toString()))
    }

    /** Starts a coefficient draw over [candidates] (such as `0.95,0.96`) on the experts' console. */
    fun openDraw(id: String, candidates: String) {
        experts("/console/experts/$id/draws/open", listOf("candidates" to candidates))
    }

    /** Closes and reveals the open coefficient draw of project [id] on the experts' console. */
    fun closeDraw(id: String) {
        experts("/console/experts/$id/draws/close", emptyList())
    }

    private fun experts(path: String, fields: List<Pair<String, String>>) {
        val response = post(path, fields)
        check(response.statusCode() == 303) { "$path refused: HTTP ${response.statusCode()}: ${response.body()}" }
    }

    /**
     * Enters a hall project opening tomorrow with one section whose bidder
     * is [creditCode], marks it as requiring a bid guarantee, and returns
     * its id.
     */
    fun guaranteeProject(name: String, creditCode: String): String {
        val opening = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusDays(1).withSecond(0).withNano(0)
        val entered = post(
            "/console/hall",
            listOf(
                "name" to name,
                "opening" to opening.toString().take(16),
                "section" to "第一标段",
                "bidders" to "$creditCode 投标单位",
            ),
        )
        check(entered.statusCode() == 303) { "project not entered: HTTP ${entered.statusCode()}: ${entered.body()}" }
        val row = get("/console/hall").split("<tr data-project=\"").drop(1)
            .firstOrNull { it.substringBefore("</tr>").contains(name) } ?: error("project $name not listed")
        val id = row.substringBefore('"')
        val required = post("/console/guarantee/$id/require", listOf("required" to "1"))
        check(required.statusCode() == 303) { "guarantee not required: HTTP ${required.statusCode()}" }
        return id
    }

    /** Adds a section with one bidder line (credit code, company) to project [id]. */
    fun addSection(id: String, name: String, bidder: String) {
        val response = post("/console/guarantee/$id/sections", listOf("name" to name, "bidders" to bidder))
        check(response.statusCode() == 303) { "section not added: HTTP ${response.statusCode()}: ${response.body()}" }
    }

    /**
     * Submits the development institution's form at the application
     * address [applyUrl] with [decision] (`issue` or `reject`), as the
     * bidder's browser would; returns the HTTP status.
     */
    fun submitInstitutionForm(applyUrl: String, decision: String): Int {
        val uri = URI.create(applyUrl)
        val fields = uri.rawQuery.split("&").map {
            val (key, value) = it.split("=", limit = 2)
            java.net.URLDecoder.decode(key, UTF_8) to java.net.URLDecoder.decode(value, UTF_8)
        } + ("decision" to decision)
        return post(uri.rawPath, fields).statusCode()
    }

    private fun get(path: String): String {
        val request = HttpRequest.newBuilder(URI.create(url(path))).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "GET $path: HTTP ${response.statusCode()}" }
        return response.body()
    }

    private fun post(path: String, fields: List<Pair<String, String>>): HttpResponse<String> {
        val body = fields.joinToString("&") { (k, v) -> "${URLEncoder.encode(k, UTF_8)}=${URLEncoder.encode(v, UTF_8)}" }
        val request = HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build()
        return http.send(request, HttpResponse.BodyHandlers.ofString())
    }

    private fun url(path: String): String = baseUrl.removeSuffix("/") + path

    /** Stops the platform: SIGTERM, then SIGKILL if it lingers. */
    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            process.waitFor(10, TimeUnit.SECONDS)
        }
        runCatching { Runtime.getRuntime().removeShutdownHook(stopOnExit) }
    }

    companion object {
        private const val START_TIMEOUT_SECONDS = 60L

        /**
         * Starts the platform, with [extraArgs] after the usual `serve`
         * arguments, and waits for the address it prints first.
         */
        fun start(vararg extraArgs: String): TestPlatform {
            val bin = System.getProperty("palmbid.platform.bin")
                ?: error("system property palmbid.platform.bin is not set; run tests/kotlin/run.sh")
            check(Files.isExecutable(Path.of(bin))) { "$bin is not an executable; run tests/kotlin/run.sh, which builds it" }
            val data = Files.createTempDirectory("palmbid-platform-")
            val process = ProcessBuilder(
                listOf(bin, "serve", "--listen", "127.0.0.1:0", "--data", data.toString(), "--dev-auto-approve") +
                    extraArgs,
            )
                .redirectError(data.resolve("platform.log").toFile())
                .start()

            try {
                val stdout = process.inputStream.bufferedReader(UTF_8)
                val first = CompletableFuture.supplyAsync { stdout.readLine() }
                    .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    ?: error("palmbid-platform exited before listening; see ${data.resolve("platform.log")}")
                val baseUrl = first.removePrefix("listening on ").trim()
                check(baseUrl.startsWith("http://127.0.0.1:")) { "unexpected first line: $first" }

                // Keep reading stdout so the platform can never block on a full pipe.
                Thread { stdout.useLines { lines -> lines.forEach { } } }.apply { isDaemon = true }.start()
                return TestPlatform(process, data, baseUrl)
            } catch (e: Throwable) {
                process.destroyForcibly()
                throw e
            }
        }
    }
}
